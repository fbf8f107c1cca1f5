import { ACCESS_STATUSES } from '../../entities/subscriptions/enums';
import type { LimitKind } from '../../services/subscriptions/limit-rules';

/**
 * The SQL forms of the subscription rules, for statements that must apply a
 * rule inside the database (an atomic conditional UPDATE, a request's one
 * opening statement, a snapshot of every store). Each restates one
 * TypeScript rule of src/services/subscriptions (named below), and
 * test/subscriptions/rules-sql.test.ts holds each pair to the same answers
 * row by row: change one, the test fails until the other follows.
 */

/** `allowsAccess` (limits.ts) as an SQL condition on the store_subscriptions row `sub` names. */
export const allowsAccessSql = (sub: string): string =>
  `${sub}.status = ANY(ARRAY[${ACCESS_STATUSES.map((s) => `'${s}'`).join(', ')}]::subscription_status[])`;

/** The columns `effectiveLimit` (limits.ts) reads, per kind: the subscription's override and the tier's limit. */
const LIMIT_COLUMNS: Record<LimitKind, { custom: string; tier: string }> = {
  orders: { custom: 'custom_orders_limit', tier: 'orders_per_month' },
  products: { custom: 'custom_products_limit', tier: 'products_limit' },
  teamMembers: { custom: 'custom_team_limit', tier: 'team_members' },
};

/**
 * `effectiveLimit` (limits.ts) as an SQL expression over the store_subscriptions row
 * `sub` names (NULL = unlimited), for a statement that must apply the limit
 * itself (consumeOrder's conditional UPDATE). Its own alias for the tier.
 */
export function effectiveLimitSql(kind: LimitKind, sub: string): string {
  const { custom, tier } = LIMIT_COLUMNS[kind];
  return `COALESCE(${sub}.${custom}, (SELECT el_t.${tier} FROM subscription_tiers el_t WHERE el_t.id = ${sub}.tier_id))`;
}

/** `governsStore` (rules.ts) as an SQL condition on the store_platforms row `sp` names. */
export const governsStoreSql = (sp: string): string => `${sp}.is_primary AND ${sp}.deleted_at IS NULL`;

/** `activeOnPlatform` (rules.ts) as an SQL condition on the store_platforms row `sp` names. */
export const activeOnPlatformSql = (sp: string): string => `${sp}.is_active AND ${sp}.deleted_at IS NULL`;

/**
 * Whether the store `store` (an SQL expression) has a governing subscription
 * that grants the feature `code` (an SQL text expression), as one SQL
 * condition: `governsStore` and `grantsFeature` (rules.ts) for a statement that must
 * answer it itself (an API key's opening). Aliases of its own.
 */
export const storeGrantsFeatureSql = (store: string, code: string): string => `EXISTS (
  SELECT 1 FROM store_platforms gf_sp
    JOIN store_subscriptions gf_sub ON gf_sub.store_platform_id = gf_sp.id
    JOIN subscription_tiers gf_t ON gf_t.id = gf_sub.tier_id
   WHERE gf_sp.store_id = ${store} AND ${governsStoreSql('gf_sp')}
     AND ${allowsAccessSql('gf_sub')} AND gf_t.features @> jsonb_build_array(${code}))`;
