import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';

import type { Context } from '../../context';
import { analyticsService } from '../../services/tenancy/analytics.service';
import { RequireFeature } from '../common/require-feature';
import { Payload, payload } from '../common/user-error';

@ObjectType({
  simpleResolvers: true,
  description: 'Orders and revenue of one calendar day (Europe/Luxembourg) in one currency',
})
export class AnalyticsDay {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  date!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => Int)
  orders!: number;

  @Field(() => Int)
  revenueCents!: number;
}

@ObjectType({ simpleResolvers: true })
export class StoreAnalyticsPayload extends Payload {
  @Field(() => [AnalyticsDay], { nullable: true })
  days?: AnalyticsDay[];
}

@Resolver()
export class AnalyticsResolver {
  @Authorized()
  @RequireFeature('analytics_dashboard')
  @Query(() => StoreAnalyticsPayload, {
    description: 'Needs analytics_dashboard (Business tier and up); at most 366 days',
  })
  async storeAnalytics(
    @Arg('storeId', () => ID) storeId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: Context,
  ): Promise<StoreAnalyticsPayload> {
    return payload(async () => ({ days: await analyticsService.storeAnalytics(ctx, storeId, from, to) }));
  }
}
