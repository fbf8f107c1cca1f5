import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The variable names of the README's "Environment" table (first column, in backticks). */
function readmeVariables(): string[] {
  const readme = read('README.md');
  const section = readme.slice(
    readme.indexOf('## Environment'),
    readme.indexOf('\n## ', readme.indexOf('## Environment') + 1),
  );
  const names = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
  return [...new Set(names)].sort();
}

/** The names src/config.ts reads: `env.NAME`, or `env, 'NAME'` passed to its readers. */
function sourceVariables(file: string): string[] {
  const source = read(file);
  const names = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|\benv,\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(names)].sort();
}

describe('README', () => {
  it("documents every environment variable src/config.ts reads, and the tests' own, and no other", () => {
    const config = sourceVariables('src/config.ts');
    expect(config).toEqual(expect.arrayContaining(['DATABASE_URL', 'LOG_LEVEL', 'STAFF_PIN_SECRET', 'TRIAL_DAYS']));
    const testOnly = ['TEST_DATABASE_URL', 'TEST_LOG_LEVEL'];
    const testSupport = read('test/support/global-setup.ts') + read('test/support/server.ts');
    for (const name of testOnly) expect(testSupport).toContain(`process.env.${name}`);
    expect(readmeVariables()).toEqual([...config, ...testOnly].sort());
  });
});
