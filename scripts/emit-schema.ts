import 'reflect-metadata';

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { printSchema } from 'graphql';

import { createSchema } from '../src/schema';

/** Writes schema.graphql, the committed SDL of the code-first schema (a test fails when it is stale). */
async function main(): Promise<void> {
  const sdl = printSchema(await createSchema());
  writeFileSync(path.join(__dirname, '..', 'schema.graphql'), `${sdl}\n`);
  console.log('schema.graphql written');
}

void main();
