/** What each target is asked: the GraphQL documents, and the requests of each scenario with their checks. */
import type { READ_SCENARIOS, TargetName } from './settings';
import { globalId } from './util';

export const ORION_STORES = `query BenchStores($first: Int!) {
  stores(first: $first) {
    edges { node {
      id storeCode name
      merchant { name }
      platforms { isPrimary platform { code } tier { code features { code } } }
    } }
  }
}`;

export const PG_STORES = `query BenchStores($first: Int!) {
  allStores(first: $first, orderBy: PRIMARY_KEY_ASC, condition: { deletedAt: null }) {
    nodes {
      id storeCode name
      merchantByMerchantId { name }
      storePlatformsByStoreId(orderBy: PRIMARY_KEY_ASC, condition: { deletedAt: null }) {
        nodes { isPrimary platformByPlatformId { code } subscriptionTierByTierId { code features } }
      }
    }
  }
}`;

export const ORION_CARD = `query BenchCard($number: String!) {
  loyaltyCard(cardNumber: $number) {
    id cardNumber stampCount pointsBalance isActive
    program { id loyaltyType stampsTarget pointsPerEuro isActive }
    customer { id email name }
  }
}`;

export const PG_CARD = `query BenchCard($number: String!) {
  allLoyaltyCards(first: 1, condition: { cardNumber: $number, deletedAt: null }) {
    nodes {
      id cardNumber stampCount pointsBalance isActive
      loyaltyProgramByProgramId { id loyaltyType stampsTarget pointsPerEuro isActive }
      customerByCustomerId { id email name }
    }
  }
}`;

export const ORION_STAMP = `mutation BenchStamp($card: String!, $store: ID!) {
  addStamp(input: { card: { cardNumber: $card }, storeId: $store }) {
    userErrors { code message }
    card { id stampCount pointsBalance }
  }
}`;

export const ORION_POINTS = `mutation BenchPoints($card: String!, $store: ID!, $cents: NonNegativeInt!) {
  earnPoints(input: { card: { cardNumber: $card }, storeId: $store, purchaseAmountCents: $cents }) {
    userErrors { code message }
    card { id stampCount pointsBalance }
    pointsEarned
  }
}`;

export interface Workload {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The next request's path and body (rotating over the fixture). */
  next(): { path: string; body?: string };
  /** null when the answer is right; else a short label of what is wrong. */
  check(status: number, body: string): string | null;
}

export interface Fixture {
  token: string;
  cardNumbers: string[];
  stampPool: StampCard[];
}

export interface StampCard {
  cardNumber: string;
  storeId: number;
  purchaseCents: number;
}

function graphqlCheck(status: number, body: string, empty: string[]): string | null {
  if (status !== 200) return `HTTP ${status}`;
  if (body.includes('"errors"')) {
    const code = /"code":"([A-Z_]+)"/.exec(body)?.[1];
    return `GraphQL error${code ? ` ${code}` : ''}`;
  }
  for (const marker of empty) if (body.includes(marker)) return 'empty answer';
  return null;
}

export function gql(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

function rotating<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

export function readWorkload(scenario: (typeof READ_SCENARIOS)[number], target: TargetName, fx: Fixture): Workload {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  if (scenario === 'stores100' || scenario === 'stores20') {
    const first = scenario === 'stores100' ? 100 : 20;
    if (target === 'orion') {
      const body = gql(ORION_STORES, { first });
      return {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${fx.token}` },
        next: () => ({ path: '/graphql', body }),
        check: (s, b) => graphqlCheck(s, b, ['"edges":[]']),
      };
    }
    if (target === 'postgraphile' || target === 'postgraphile5') {
      const body = gql(PG_STORES, { first });
      return {
        method: 'POST',
        headers: json,
        next: () => ({ path: '/graphql', body }),
        check: (s, b) => graphqlCheck(s, b, ['"allStores":{"nodes":[]}']),
      };
    }
    return {
      method: 'GET',
      headers: { accept: 'application/json' },
      next: () => ({ path: `/stores?first=${first}` }),
      check: (s, b) => (s !== 200 ? `HTTP ${s}` : b.startsWith('{"stores" : []') ? 'empty answer' : null),
    };
  }
  const nextCard = rotating(fx.cardNumbers);
  if (target === 'orion') {
    return {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${fx.token}` },
      next: () => ({ path: '/graphql', body: gql(ORION_CARD, { number: nextCard() }) }),
      check: (s, b) => graphqlCheck(s, b, ['"loyaltyCard":null']),
    };
  }
  if (target === 'postgraphile' || target === 'postgraphile5') {
    return {
      method: 'POST',
      headers: json,
      next: () => ({ path: '/graphql', body: gql(PG_CARD, { number: nextCard() }) }),
      check: (s, b) => graphqlCheck(s, b, ['"nodes":[]']),
    };
  }
  return {
    method: 'GET',
    headers: { accept: 'application/json' },
    next: () => ({ path: `/card?number=${encodeURIComponent(nextCard())}` }),
    check: (s, b) => (s !== 200 ? `HTTP ${s}` : b === '{"card":null}' ? 'empty answer' : null),
  };
}

/**
 * The write scenario over every run (warm-up included), summed by the
 * orchestrator from the load processes' reports: what the ledger must show.
 * `requests` is also where the next run starts in the card pool.
 */
export const writeTally = { succeeded: 0, requests: 0, passes: 0, cutAtEnd: 0 };

/** What a write run did: requests sent, successes answered, passes over the card pool. */
export interface WriteTally {
  succeeded: number;
  requests: number;
  passes: number;
}

/**
 * The write scenario from the `start`-th request on (the card pool is walked
 * across runs: each run goes on where the last stopped); `tally` counts what
 * this workload sent and what succeeded.
 */
export function writeWorkload(
  fx: Fixture,
  start = 0,
  tally: WriteTally = { succeeded: 0, requests: 0, passes: 0 },
): Workload {
  const cards = fx.stampPool;
  let i = start;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${fx.token}` },
    next: () => {
      const n = i++;
      const card = cards[n % cards.length];
      tally.requests += 1;
      tally.passes = Math.max(tally.passes, Math.floor(n / cards.length) + 1);
      const variables = { card: card.cardNumber, store: globalId('Store', card.storeId) };
      // The pool has an odd length, so a card alternates stamp / points from one pass to the next.
      const body =
        n % 2 === 0
          ? gql(ORION_STAMP, variables)
          : gql(ORION_POINTS, { ...variables, cents: Math.max(card.purchaseCents, 1250) });
      return { path: '/graphql', body };
    },
    check: (s, b) => {
      const problem = graphqlCheck(s, b, []);
      if (problem) return problem;
      if (!b.includes('"userErrors":[]')) return /"code":"([A-Z_]+)"/.exec(b)?.[1] ?? 'userErrors';
      tally.succeeded += 1;
      return null;
    },
  };
}
