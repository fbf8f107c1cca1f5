import { types } from 'pg';

import { parseTimestamptz } from './pg-types';

const generic = (text: string) => {
  // pg-types' own parser, as pg would use without ours.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = require('postgres-date') as (value: string) => Date | number;
  return parse(text);
};

describe('parseTimestamptz', () => {
  it.each([
    '2026-11-21 03:19:07+00',
    '2026-11-21 03:19:07.1+00',
    '2026-11-21 03:19:07.123+00',
    '2026-11-21 03:19:07.123456+00',
    '2024-02-29 23:59:59.999999+00',
    '1970-01-01 00:00:00+00',
    '2026-03-29 01:30:00+01',
    '2026-11-21 03:19:07.5-05:30',
    '0099-01-01 00:00:00+00',
    '2000-01-01 00:00:00+00 BC',
  ])('reads %s as the generic parser does', (text) => {
    expect(parseTimestamptz(text)).toEqual(generic(text));
  });

  it('is the parser pg uses for timestamptz', () => {
    expect(types.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
  });
});
