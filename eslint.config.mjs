import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

// What a statement looks like in code that must hold none: a call of the entity manager's, or SQL text.
const STATEMENT_METHODS =
  'query|createQueryBuilder|find|findOne|findBy|findOneBy|findAndCount|save|insert|update|upsert|delete|softDelete|restore|count|countBy|exists|existsBy|increment|decrement|getRepository';
const SQL_TEXT = '/\\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\\b[\\s\\S]*\\b(FROM|SET|VALUES|AS)\\b/';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The decorator options tell consistent-type-imports which imports decorated signatures need at run time.
    languageOptions: {
      parserOptions: { projectService: false, emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only: one name for a thing everywhere.' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Files whose tool reads their default export.
    files: [
      'eslint.config.*',
      'jest.config.ts',
      'ormconfig.ts',
      'test/support/global-setup.ts',
      'test/support/global-teardown.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },

  {
    // Services hold rules; every statement is a repository's (src/repositories) or a loader's (src/loaders).
    files: ['src/services/**/*.ts', 'src/resolvers/**/*.ts', 'src/http/**/*.ts', 'src/policy/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only: one name for a thing everywhere.' },
        {
          selector: `CallExpression[callee.property.name=/^(${STATEMENT_METHODS})$/][callee.object.name=/^(em|manager|tx|entityManager)$/]`,
          message: 'A statement belongs in a repository (src/repositories), not here.',
        },
        {
          selector: `CallExpression[callee.property.name=/^(${STATEMENT_METHODS})$/][callee.object.property.name='manager']`,
          message: 'A statement belongs in a repository (src/repositories), not here.',
        },
        { selector: `TemplateElement[value.raw=${SQL_TEXT}]`, message: 'SQL text belongs in a repository.' },
        { selector: `Literal[value=${SQL_TEXT}]`, message: 'SQL text belongs in a repository.' },
      ],
    },
  },
  {
    // Resolvers: arguments in, one service or loader call, a payload out.
    files: ['src/resolvers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/repositories/**'], message: 'Resolvers call services or loaders, never repositories.' },
            { group: ['**/db/**'], message: 'Resolvers call services or loaders, never the database layer.' },
            {
              regex: '^\\.\\.?/(?!common/).*\\.resolver$',
              message: 'No imports between resolvers: share through a service or resolvers/common.',
            },
          ],
        },
      ],
    },
  },
);
