import os from 'node:os';

import type { EntityManager } from 'typeorm';

import type { CapacitySnapshot } from '../../entities/subscriptions/capacity-snapshot.entity';
import { capacitySnapshotById, upsertCapacitySnapshot } from '../../repositories/subscriptions/capacity.repository';
import { clock } from '../clock';

/**
 * CAPACITY_SNAPSHOT: one row per day (re-running the same day refreshes it)
 * with what can be measured: counts, tier distribution, the theoretical
 * limits of active subscriptions (sum of the limited ones; unlimited ones
 * add nothing), database size, and this process's CPU load and memory share.
 * Response times are not measured here, so `avgResponseMs` stays null.
 */
async function takeSnapshot(em: EntityManager): Promise<CapacitySnapshot> {
  const cpus = os.cpus().length || 1;
  const id = await upsertCapacitySnapshot(em, clock.now(), {
    cpuPercent: Math.min(999.99, Math.round((os.loadavg()[0] / cpus) * 10000) / 100),
    memoryPercent: Math.round((process.memoryUsage().rss / os.totalmem()) * 10000) / 100,
  });
  return capacitySnapshotById(em, id);
}

/** The daily capacity snapshot (CAPACITY_SNAPSHOT). */
export const capacityService = { takeSnapshot };
