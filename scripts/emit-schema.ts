import 'reflect-metadata';

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { schemaSdl } from '../src/schema';

/** Writes schema.graphql, the committed SDL of the code-first schema (a test fails when it is stale). */
async function main(): Promise<void> {
  writeFileSync(path.join(__dirname, '..', 'schema.graphql'), await schemaSdl());
  console.log('schema.graphql written');
}

void main();
