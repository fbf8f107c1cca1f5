import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

import { withSystemTransaction } from '../db/request-transaction';
import { MaintenanceJob, maintenanceJobs } from '../services/subscriptions/maintenance-jobs';

/** When each maintenance job runs (Europe/Luxembourg). */
export const SCHEDULES: Record<MaintenanceJob, string> = {
  [MaintenanceJob.PERIOD_ROLLOVER]: '*/15 * * * *',
  [MaintenanceJob.TRIAL_EXPIRY]: '5 * * * *',
  [MaintenanceJob.CAPACITY_SNAPSHOT]: '30 2 * * *',
  [MaintenanceJob.POINTS_EXPIRY]: '15 3 * * *',
};

export const queueName = (job: MaintenanceJob): string => `maintenance-${job.toLowerCase().replace(/_/g, '-')}`;

export interface Scheduler {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * Runs the maintenance jobs on a schedule from a PostgreSQL-backed queue
 * (pg-boss, in its own `pgboss` schema): with several replicas each
 * scheduled run is queued once and taken by one worker.
 */
export async function startScheduler(databaseUrl: string, dataSource: DataSource, log: Logger): Promise<Scheduler> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 3, application_name: 'orion-jobs' });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  for (const job of Object.values(MaintenanceJob)) {
    const name = queueName(job);
    await boss.createQueue(name, { name, policy: 'singleton' });
    await boss.schedule(name, SCHEDULES[job], {}, { tz: 'Europe/Luxembourg' });
    await boss.work(name, async (jobs) => {
      for (const queued of jobs) {
        const started = Date.now();
        // Jobs act for no caller: they cross tenants under their own named system context.
        const processed = await withSystemTransaction(
          dataSource,
          `jobs.${job.toLowerCase().replace(/_/g, '-')}`,
          (em) => maintenanceJobs[job](em),
        );
        log.info({ job, jobId: queued.id, processed, ms: Date.now() - started }, 'maintenance job done');
      }
    });
  }
  log.info({ schedules: SCHEDULES }, 'maintenance jobs scheduled');
  return { boss, stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) };
}
