import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The decorator options tell consistent-type-imports which imports decorated signatures need at run time.
    languageOptions: {
      parserOptions: { projectService: false, emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
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
);
