import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { createSchema, schemaSdl } from '../src/schema';

describe('schema.graphql', () => {
  it('matches the code-first schema (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await schemaSdl());
  });

  it('keeps the input type names clients already declare in their operations', async () => {
    const schema = await createSchema();
    const enrol = schema.getMutationType()!.getFields().enrollCustomer.args[0];
    expect(String(enrol.type)).toBe('EnrollCustomerInput!');
    expect(schema.getType('EnrollCustomerDetails')).toBeDefined();
    expect(String((schema.getType('EnrollCustomerInput') as any).getFields().customer.type)).toBe(
      'EnrollCustomerDetails',
    );
  });
});
