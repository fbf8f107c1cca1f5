import 'reflect-metadata';

import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

// The migration CLI's DataSource: the same as the app's, on DATABASE_URL, but logging to the console
// (the app's logger only counts statements, so migration:run, :revert and :show printed nothing).
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error('Set DATABASE_URL for the migration CLI (see README: "Adding a migration")');
}
export default createDataSource(config.databaseUrl).setOptions({
  logger: 'advanced-console',
  logging: ['schema', 'migration', 'error', 'warn', 'info', 'log'],
});
