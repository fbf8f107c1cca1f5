import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { createSchema } from '../src/schema';

describe('schema.graphql', () => {
  it('matches the code-first schema (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(await createSchema())}\n`);
  });
});
