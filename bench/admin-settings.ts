/**
 * What our server's opening writes for an ADMIN (src/db/request-transaction.ts,
 * identitySql), for the PostGraphile peers to set per request (`pgSettings`)
 * when they run under our row-level security policies (POSTGRAPHILE_RLS=1).
 */
export const adminSettings = {
  role: 'orion_admin',
  'orion.context': 'request',
  'orion.user_id': process.env.POSTGRAPHILE_USER_ID ?? '',
  'orion.merchants': '{}',
  'orion.team_merchants': '{}',
  'orion.stores': '{}',
  'orion.storefront': '',
};
