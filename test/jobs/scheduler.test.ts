import pino from 'pino';

import { queueName, type Scheduler, SCHEDULES, startScheduler } from '../../src/jobs/scheduler';
import { MaintenanceJob } from '../../src/services/subscriptions/maintenance-jobs';
import { testDatabaseUrl } from '../support/database';
import { TestServer } from '../support/server';

let server: TestServer;
let schedulers: Scheduler[] = [];
const logLines: Array<{ msg: string; jobId?: string; processed?: number }> = [];
beforeAll(async () => {
  server = await TestServer.start();
  // Two "replicas" on one database; their logs tell which jobs each ran.
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  schedulers = [
    await startScheduler(testDatabaseUrl(), server.dataSource, log),
    await startScheduler(testDatabaseUrl(), server.dataSource, log),
  ];
});
afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  await server.stop();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the maintenance job scheduler', () => {
  it('registers every job on its cron schedule, once for all replicas', async () => {
    const schedules = await schedulers[0].boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron]).sort()).toEqual(
      Object.values(MaintenanceJob)
        .map((job) => [queueName(job), SCHEDULES[job]])
        .sort(),
    );
  });

  it('runs a queued job exactly once across replicas', async () => {
    const name = queueName(MaintenanceJob.CAPACITY_SNAPSHOT);
    const [{ sent_at: sentAt }] = await server.dataSource.query(`SELECT clock_timestamp() AS sent_at`);
    const id = await schedulers[1].boss.send(name, {});
    expect(id).toEqual(expect.any(String));
    const job = await waitFor(async () => {
      const found = await schedulers[0].boss.getJobById(name, id!);
      return found?.state === 'completed' ? found : undefined;
    });
    expect(job.retryCount).toBe(0);
    // The job wrote (or refreshed) a snapshot after it was sent.
    const [written] = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM capacity_snapshots WHERE greatest(created_at, updated_at) >= $1`,
      [sentAt],
    );
    expect(written.n).toBeGreaterThanOrEqual(1); // other files running jobs in parallel may add theirs
    const runs = logLines.filter((l) => l.msg === 'maintenance job done' && l.jobId === id);
    expect(runs).toEqual([expect.objectContaining({ processed: 1 })]);
  });
});
