/**
 * Makes every `require('graphql')` of this process load the one graphql 15
 * that PostGraphile v4 ships with. npm installs graphql 16 at the top (our
 * server needs it) and a second copy of 15 under graphile-build-pg, so without
 * this PostGraphile mixes three graphql instances and fails at run time
 * ("Unexpected input type", instanceof checks across copies). This does what
 * an npm `overrides` entry would, for the PostGraphile child process only.
 * Import it before postgraphile.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));
const graphql15 = path.dirname(require.resolve('graphql/package.json', { paths: [postgraphileDir] }));

const loader = Module as unknown as {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
};
const resolve = loader._resolveFilename;
loader._resolveFilename = function resolveGraphql15(request: string, parent: unknown, ...rest: unknown[]): string {
  const aliased = request === 'graphql' || request.startsWith('graphql/') ? graphql15 + request.slice(7) : request;
  return resolve.call(this, aliased, parent, ...rest);
};

export const graphqlVersion: string = (
  JSON.parse(fs.readFileSync(path.join(graphql15, 'package.json'), 'utf8')) as { version: string }
).version;
