import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';

import type { Context } from '../../context';
import { cardOperationsService } from '../../services/loyalty/card-operations.service';
import { enrollmentService } from '../../services/loyalty/enrollment.service';
import { payload } from '../common/user-error';
import {
  AddStampInput,
  EarnPointsInput,
  EarnPointsPayload,
  EnrollCustomerInput,
  EnrollCustomerPayload,
  RedeemPointsRewardInput,
  RedeemPointsRewardPayload,
  RedeemStampRewardInput,
  StampPayload,
  VoidPointsInput,
  VoidPointsPayload,
} from './types/card-operations.types';

/** Counter operations of the store team: enrolment, stamps, points. */
@Resolver()
export class CardOperationsResolver {
  @Authorized()
  @Mutation(() => EnrollCustomerPayload)
  enrollCustomer(@Arg('input', () => EnrollCustomerInput) input: EnrollCustomerInput, @Ctx() ctx: Context) {
    return payload(() => enrollmentService.enroll(ctx, input));
  }

  @Authorized()
  @Mutation(() => StampPayload)
  addStamp(@Arg('input', () => AddStampInput) input: AddStampInput, @Ctx() ctx: Context) {
    return payload(() => cardOperationsService.addStamp(ctx, input));
  }

  @Authorized()
  @Mutation(() => StampPayload)
  redeemStampReward(@Arg('input', () => RedeemStampRewardInput) input: RedeemStampRewardInput, @Ctx() ctx: Context) {
    return payload(() => cardOperationsService.redeemStampReward(ctx, input));
  }

  @Authorized()
  @Mutation(() => EarnPointsPayload)
  earnPoints(@Arg('input', () => EarnPointsInput) input: EarnPointsInput, @Ctx() ctx: Context) {
    return payload(() => cardOperationsService.earnPoints(ctx, input));
  }

  @Authorized()
  @Mutation(() => RedeemPointsRewardPayload)
  redeemPointsReward(@Arg('input', () => RedeemPointsRewardInput) input: RedeemPointsRewardInput, @Ctx() ctx: Context) {
    return payload(() => cardOperationsService.redeemPointsReward(ctx, input));
  }

  @Authorized()
  @Mutation(() => VoidPointsPayload, { description: 'Never below zero; the ledger records what was removed' })
  voidPoints(@Arg('input', () => VoidPointsInput) input: VoidPointsInput, @Ctx() ctx: Context) {
    return payload(() => cardOperationsService.voidPoints(ctx, input));
  }
}
