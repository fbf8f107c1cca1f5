import type { EntityManager } from 'typeorm';

import { expireIdlePoints } from '../../repositories/loyalty/card-ledger.repository';
import { clock } from '../clock';
import { capacityService } from './capacity.service';
import { lifecycleService } from './lifecycle.service';

export enum MaintenanceJob {
  PERIOD_ROLLOVER = 'PERIOD_ROLLOVER',
  TRIAL_EXPIRY = 'TRIAL_EXPIRY',
  CAPACITY_SNAPSHOT = 'CAPACITY_SNAPSHOT',
  POINTS_EXPIRY = 'POINTS_EXPIRY',
}

/** The scheduled jobs, runnable on demand: each returns how many rows it processed. */
export const maintenanceJobs: Record<MaintenanceJob, (em: EntityManager) => Promise<number>> = {
  [MaintenanceJob.PERIOD_ROLLOVER]: (em) => lifecycleService.rollOverPeriods(em),
  [MaintenanceJob.TRIAL_EXPIRY]: (em) => lifecycleService.expireTrials(em),
  [MaintenanceJob.CAPACITY_SNAPSHOT]: async (em) => (await capacityService.takeSnapshot(em), 1),
  [MaintenanceJob.POINTS_EXPIRY]: (em) => expireIdlePoints(em, clock.now()),
};
