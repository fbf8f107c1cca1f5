/**
 * What our server's opening writes for an ADMIN (src/db/request-transaction.ts,
 * identitySql), for the PostGraphile peers to set per request (`pgSettings`)
 * when they run under our row-level security policies (POSTGRAPHILE_RLS=1).
 */
const adminSettings = {
  role: 'orion_admin',
  'orion.context': 'request',
  'orion.user_id': process.env.POSTGRAPHILE_USER_ID ?? '',
  'orion.merchants': '{}',
  'orion.team_merchants': '{}',
  'orion.stores': '{}',
  'orion.storefront': '',
};

/**
 * The options both PostGraphile peers (v4, and v5 through its V4 preset)
 * share: the library defaults plus what a production deployment sets, and
 * our policies' settings under POSTGRAPHILE_RLS=1.
 */
export const sharedOptions = {
  ...(process.env.POSTGRAPHILE_RLS === '1' ? { pgSettings: adminSettings } : {}),
  // We connect as the database owner: every table is visible either way.
  ignoreRBAC: true,
  disableDefaultMutations: false,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  retryOnInitFail: false,
  watchPg: false,
  graphiql: false,
  showErrorStack: false,
  extendedErrors: [],
};
