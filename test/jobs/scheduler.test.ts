import pino from 'pino';
import { startScheduler, queueName, SCHEDULES, type Scheduler } from '../../src/jobs/scheduler';
import { MaintenanceJob } from '../../src/services/subscriptions/maintenance.service';
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
    const before = await server.dataSource.query(
      `SELECT updated_at FROM capacity_snapshots ORDER BY snapshot_date DESC LIMIT 1`,
    );
    const id = await schedulers[1].boss.send(name, {});
    expect(id).toEqual(expect.any(String));
    const job = await waitFor(async () => {
      const found = await schedulers[0].boss.getJobById(name, id!);
      return found?.state === 'completed' ? found : undefined;
    });
    expect(job.retryCount).toBe(0);
    const [after] = await server.dataSource.query(
      `SELECT updated_at FROM capacity_snapshots ORDER BY snapshot_date DESC LIMIT 1`,
    );
    expect(after).toBeDefined();
    if (before[0])
      expect(new Date(after.updated_at).getTime()).toBeGreaterThan(new Date(before[0].updated_at).getTime());
    const runs = logLines.filter((l) => l.msg === 'maintenance job done' && l.jobId === id);
    expect(runs).toEqual([expect.objectContaining({ processed: 1 })]);
  });
});
