import fs from 'node:fs';
import path from 'node:path';

/**
 * The naming scheme of README "Architecture", held by a test because lint
 * sees one file at a time: what a file's name promises, its contents keep.
 */
const SRC = __dirname;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(SRC, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(relative) : relative.endsWith('.ts') ? [relative] : [];
  });
}

const read = (file: string) => fs.readFileSync(path.join(SRC, file), 'utf8');
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** The names a module exports as values (types, interfaces and type-only re-exports aside). */
const valueExports = (source: string) =>
  [...source.matchAll(/^export (?:async )?(?:const|function|class|enum|let) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
/** The modules a file imports values from (`import type` aside). */
const valueImports = (source: string) =>
  [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map((m) => m[1]);

const services = filesUnder('services').filter((f) => !f.endsWith('.spec.ts'));

describe('the naming scheme', () => {
  it('gives a <name>.service.ts one value export, the object <name>Service', () => {
    const serviceFiles = services.filter((f) => f.endsWith('.service.ts'));
    expect(serviceFiles.length).toBeGreaterThan(10);
    for (const file of serviceFiles) {
      const expected = `${camel(path.basename(file, '.service.ts'))}Service`;
      expect({ file, exports: valueExports(read(file)) }).toEqual({ file, exports: [expected] });
    }
  });

  it('keeps *-rules.ts pure: no request context, database, repository or loader, and a spec beside each', () => {
    const rules = services.filter((f) => f.endsWith('-rules.ts'));
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const file of rules) {
      const impure = valueImports(read(file)).filter((m) =>
        /(^typeorm$|\/context$|\/db\/|\/repositories\/|\/loaders\/|\.service$)/.test(m),
      );
      expect({ file, impure }).toEqual({ file, impure: [] });
      expect({ file, spec: fs.existsSync(path.join(SRC, file.replace(/\.ts$/, '.spec.ts'))) }).toEqual({
        file,
        spec: true,
      });
    }
  });

  it('names every module of src/repositories a repository, or the SQL form of rules', () => {
    for (const file of filesUnder('repositories')) {
      expect({ file, named: /\.(repository|sql)\.ts$/.test(file) }).toEqual({ file, named: true });
    }
  });

  it('names resolvers, their GraphQL types and entities by their role', () => {
    for (const file of filesUnder('resolvers')) {
      expect({ file, named: /(\.resolver\.ts|\/types\/[a-z-]+\.types\.ts|common\/[a-z-]+\.ts)$/.test(file) }).toEqual({
        file,
        named: true,
      });
    }
    for (const file of filesUnder('entities').filter((f) => !/(^|\/)(index|base|enums)\.ts$/.test(f))) {
      expect({ file, named: file.endsWith('.entity.ts') }).toEqual({ file, named: true });
    }
  });
});
