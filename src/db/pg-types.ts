import { types } from 'pg';

const TIMESTAMPTZ = 1184;
const generic = types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date;

/**
 * timestamptz as PostgreSQL writes it in a UTC session
 * (`2026-11-21 03:19:07.123456+00`), read by position instead of the generic
 * parser's three regular expressions: dates are in every row, and parsing
 * them was a visible share of the CPU of a large read (see bench/RESULTS.md,
 * step 8). Any other shape (another session time zone, BC, infinity) goes to
 * the generic parser. Fractions beyond the millisecond are dropped, as the
 * generic parser does.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  if (
    n >= 22 &&
    text[n - 3] === '+' &&
    text[n - 2] === '0' &&
    text[n - 1] === '0' &&
    text[4] === '-' &&
    text[10] === ' '
  ) {
    const ms = text[19] === '.' ? 1000 * Number(text.slice(19, n - 3)) : 0;
    const year = Number(text.slice(0, 4));
    if (year >= 100) {
      return new Date(
        Date.UTC(
          year,
          Number(text.slice(5, 7)) - 1,
          Number(text.slice(8, 10)),
          Number(text.slice(11, 13)),
          Number(text.slice(14, 16)),
          Number(text.slice(17, 19)),
          ms,
        ),
      );
    }
  }
  return generic(text);
}

types.setTypeParser(TIMESTAMPTZ, parseTimestamptz);
