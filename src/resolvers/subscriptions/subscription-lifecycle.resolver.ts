import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';

import type { Context } from '../../context';
import { CapacitySnapshot } from '../../entities/subscriptions/capacity-snapshot.entity';
import { Role } from '../../entities/tenancy/enums';
import { clock } from '../../services/clock';
import { adminSubscriptionService } from '../../services/subscriptions/admin-subscription.service';
import { lifecycleService } from '../../services/subscriptions/lifecycle.service';
import { maintenanceJobs } from '../../services/subscriptions/maintenance-jobs';
import { payload } from '../common/user-error';
import {
  AdvanceTestClockInput,
  AdvanceTestClockPayload,
  CancelSubscriptionInput,
  ChangeSubscriptionTierInput,
  RunMaintenanceInput,
  RunMaintenancePayload,
  SetSubscriptionOverridesInput,
  SubscriptionPayload,
  TierPayload,
  UpdateSubscriptionTierInput,
} from './types/lifecycle.types';

@Resolver()
export class SubscriptionLifecycleResolver {
  @Authorized()
  @Mutation(() => SubscriptionPayload, { description: 'Upgrades apply now; downgrades at period end' })
  changeSubscriptionTier(
    @Arg('input', () => ChangeSubscriptionTierInput) input: ChangeSubscriptionTierInput,
    @Ctx() ctx: Context,
  ) {
    return payload(async () => ({ subscription: await lifecycleService.changeTier(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => SubscriptionPayload, { description: 'Access continues until the period ends' })
  cancelSubscription(@Arg('input', () => CancelSubscriptionInput) input: CancelSubscriptionInput, @Ctx() ctx: Context) {
    return payload(async () => ({ subscription: await lifecycleService.cancel(ctx, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TierPayload)
  updateSubscriptionTier(
    @Arg('input', () => UpdateSubscriptionTierInput) input: UpdateSubscriptionTierInput,
    @Ctx() ctx: Context,
  ) {
    const { id, ...changes } = input;
    return payload(async () => ({ tier: await adminSubscriptionService.updateTier(ctx, id, changes) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SubscriptionPayload)
  setSubscriptionOverrides(
    @Arg('input', () => SetSubscriptionOverridesInput) input: SetSubscriptionOverridesInput,
    @Ctx() ctx: Context,
  ) {
    return payload(async () => ({ subscription: await adminSubscriptionService.setOverrides(ctx, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunMaintenancePayload, { description: 'Runs a scheduled job now' })
  runMaintenance(@Arg('input', () => RunMaintenanceInput) input: RunMaintenanceInput, @Ctx() ctx: Context) {
    return payload(async () => ({ processed: await maintenanceJobs[input.job](ctx.manager) }));
  }

  @Authorized(Role.ADMIN)
  @Query(() => [CapacitySnapshot])
  capacitySnapshots(@Arg('from', () => Date) from: Date, @Arg('to', () => Date) to: Date, @Ctx() ctx: Context) {
    return adminSubscriptionService.capacitySnapshots(ctx, from, to);
  }
}

/** Only in the schema when the server runs with TEST_CLOCK=1. */
@Resolver()
export class TestClockResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => AdvanceTestClockPayload, { description: 'Moves the service clock forward (test mode only)' })
  advanceTestClock(@Arg('input', () => AdvanceTestClockInput) input: AdvanceTestClockInput) {
    return payload(async () => ({ now: clock.advance(input.seconds) }));
  }
}
