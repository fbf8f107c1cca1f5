/** Equivalence: each target must answer the same thing before we time it. */
import { STORES_SQL_REFERENCE } from '../baseline';
import { withDb } from './database';
import type { ScenarioName, TargetName } from './settings';
import { READ_SCENARIOS, TARGETS } from './settings';
import { probeStatements } from './statements';
import type { Json } from './util';
import type { Fixture, Workload } from './workloads';
import { readWorkload } from './workloads';

interface NormalStore {
  storeCode: string;
  name: string;
  merchant: string | null;
  platforms: Array<{ platform: string; isPrimary: boolean; tier: string | null; features: string[] | null }>;
}

const isPostgraphile = (target: TargetName) => target === 'postgraphile' || target === 'postgraphile5';

function normalStores(target: TargetName, body: Json): NormalStore[] {
  const sortPlatforms = (ps: NormalStore['platforms']) => ps.sort((a, b) => a.platform.localeCompare(b.platform));
  if (isPostgraphile(target)) {
    return body.data.allStores.nodes.map((s: Json) => ({
      storeCode: s.storeCode,
      name: s.name,
      merchant: s.merchantByMerchantId?.name ?? null,
      platforms: sortPlatforms(
        s.storePlatformsByStoreId.nodes.map((m: Json) => ({
          platform: m.platformByPlatformId.code,
          isPrimary: m.isPrimary,
          tier: m.subscriptionTierByTierId?.code ?? null,
          features: m.subscriptionTierByTierId ? [...m.subscriptionTierByTierId.features].sort() : null,
        })),
      ),
    }));
  }
  const stores: Json[] = target === 'orion' ? body.data.stores.edges.map((e: Json) => e.node) : body.stores;
  return stores.map((s) => ({
    storeCode: s.storeCode,
    name: s.name,
    merchant: s.merchant?.name ?? null,
    platforms: sortPlatforms(
      s.platforms.map((m: Json) => ({
        platform: m.platform.code,
        isPrimary: m.isPrimary,
        tier: m.tier?.code ?? null,
        features: m.tier ? m.tier.features.map((f: Json) => f.code).sort() : null,
      })),
    ),
  }));
}

function normalCard(target: TargetName, body: Json): Json {
  const card =
    target === 'orion' ? body.data.loyaltyCard : target === 'baseline' ? body.card : body.data.allLoyaltyCards.nodes[0];
  if (!card) return null;
  const program = card.program ?? card.loyaltyProgramByProgramId;
  const customer = isPostgraphile(target) ? card.customerByCustomerId : card.customer;
  return {
    cardNumber: card.cardNumber,
    stampCount: card.stampCount,
    pointsBalance: card.pointsBalance,
    isActive: card.isActive,
    program: {
      loyaltyType: program.loyaltyType,
      stampsTarget: program.stampsTarget,
      pointsPerEuro: program.pointsPerEuro,
      isActive: program.isActive,
    },
    customer: customer ? { email: customer.email, name: customer.name } : null,
  };
}

interface Probe {
  status: number;
  body: string;
  statements: number;
}

/** One request, with `x-count-sql`: the peers count statements only for such requests (bench/sql-count.ts). */
async function probeOnce(port: number, workload: Workload): Promise<Probe> {
  const { path: p, body } = workload.next();
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method: workload.method,
    headers: { ...workload.headers, 'x-count-sql': '1' },
    body,
  });
  return { status: res.status, body: await res.text(), statements: Number(res.headers.get('x-sql-statements')) };
}

function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at || 'answer'}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Json)[key], (b as Json)[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at || 'answer'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

/** Statements per request of each target and scenario as the probes before the runs saw them ("target scenario"). */
export const probedStatements = new Map<string, number[]>();

/**
 * Asks every target the same questions once and compares the answers to the
 * baseline's; keeps the statements each answer took (the only count the peers
 * give: their timed runs are not counted). The baseline's page of stores must
 * also be, once parsed and serialised again, byte for byte the answer of the
 * plain statement it was optimised from (STORES_SQL_REFERENCE: no prepared
 * statement, the tier's features built per membership). Then asks our server
 * the statement probes (bench/run/statements.ts), whatever the scenarios.
 */
export async function checkEquivalence(
  ports: Record<TargetName, number>,
  fx: Fixture,
  scenarios: ScenarioName[],
  databaseUrl: string,
) {
  const notes: string[] = [];
  for (const scenario of READ_SCENARIOS) {
    if (!scenarios.includes(scenario)) continue;
    const rounds = scenario === 'card_lookup' ? Math.min(5, fx.cardNumbers.length) : 1;
    for (let round = 0; round < rounds; round++) {
      const answers = {} as Record<TargetName, unknown>;
      for (const target of TARGETS) {
        const workload = readWorkload(scenario, target, fx);
        for (let skip = 0; skip < round; skip++) workload.next();
        const probe = await probeOnce(ports[target], workload);
        const key = `${target} ${scenario}`;
        probedStatements.set(key, [...(probedStatements.get(key) ?? []), probe.statements]);
        const problem = workload.check(probe.status, probe.body);
        if (problem) {
          throw new Error(`${target} ${scenario}: ${problem}: ${probe.body.slice(0, 500)}`);
        }
        const body = JSON.parse(probe.body);
        answers[target] = scenario === 'card_lookup' ? normalCard(target, body) : normalStores(target, body);
        if (target === 'baseline' && scenario !== 'card_lookup') {
          const first = scenario === 'stores100' ? 100 : 20;
          const reference = await withDb(databaseUrl, async (db) => {
            const { rows } = await db.query<{ body: string }>(STORES_SQL_REFERENCE, [first]);
            return rows[0].body;
          });
          if (JSON.stringify(body) !== JSON.stringify(JSON.parse(reference))) {
            notes.push(
              `${scenario}: the baseline's answer is not its reference statement's, byte for byte after re-serialising ` +
                `(at ${firstDifference(body, JSON.parse(reference))})`,
            );
          } else {
            console.log(`answers: the baseline's ${scenario} equals its reference statement's byte for byte`);
          }
        }
      }
      for (const target of ['orion', 'postgraphile', 'postgraphile5'] as const) {
        const diff = firstDifference(answers[target], answers.baseline);
        if (diff) notes.push(`${scenario}: ${target} differs from the baseline at ${diff}`);
      }
      if (scenario !== 'card_lookup') {
        const n = (answers.baseline as NormalStore[]).length;
        const expected = scenario === 'stores100' ? 100 : 20;
        if (n < expected) notes.push(`${scenario}: only ${n} live stores in the database (expected ${expected})`);
      }
    }
  }
  for (const line of await probeStatements(ports.orion, fx.token)) console.log(`statements: ${line}`);
  return notes;
}
