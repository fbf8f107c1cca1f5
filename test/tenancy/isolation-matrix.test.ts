/**
 * The isolation matrix, generated from the schema the server serves (issue 12,
 * item 7): every Query field, `node`/`nodes` with every foreign ID, and every
 * Mutation that takes an ID (as an argument or anywhere inside its input),
 * called as merchant A's owner, A's staff and A's store API key, with a
 * victim's IDs (and the few strings that name a victim's row: e-mails, card
 * numbers, QR data) substituted into every ID-typed argument and input field.
 * Nothing is listed by hand but the setup: a new Query field or Mutation is
 * called without editing this file, and a field or argument whose type the
 * value generator does not know fails the test instead of being skipped.
 *
 * Victims:
 * - merchant B (one object of every Node type it can own) against A's owner,
 *   staff and API key;
 * - store A2 of the same merchant against the staff and the API key of store
 *   A1 (store-scoped callers); A2's card and its holder are merchant-wide by
 *   the contract, so only the card's number and QR data are used to reach
 *   the card, and A2's own rows must not show through it;
 * - soft-deleted rows of A (a deleted store with what it cascaded, a deleted
 *   program with its card, and rows of A1 deleted directly) against A's
 *   owner, staff and API key.
 *
 * Asserted per call: the whole JSON response holds none of the victim's IDs,
 * e-mails, marked names or codes (values the caller itself typed excepted);
 * and the victim's rows, read with direct SQL (every row reachable from the
 * victim's roots through foreign keys), are identical before and after each
 * mutation and around the queries.
 */
import { randomBytes } from 'node:crypto';

import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  validate,
} from 'graphql';
import { Client } from 'pg';

import { toGlobalId } from '../../src/common/global-id';
import { adminToken, login } from '../factories/tenancy';
import { testDatabaseUrl } from '../support/database';
import { dbId } from '../support/ids';
import { type GqlResult, TestServer } from '../support/server';

jest.setTimeout(120_000);

// ---------------------------------------------------------------------------------------------------------------
// The victims, the callers and what A may legitimately name

interface Victim {
  label: string;
  /** Global IDs by Node type. */
  ids: Map<string, string[]>;
  /** Strings that name a victim row, by the argument/input field name that takes them. */
  strings: Record<string, string[]>;
  /** What must never appear in a response (lower-cased). */
  needles: string[];
  /** Rows the snapshot starts from, by table; every row reachable from them through foreign keys is the victim's. */
  roots: Record<string, number[]>;
  /** Tables the snapshot does not follow (rows that are not the victim's own by the contract). */
  notOwned?: string[];
}

interface Caller {
  label: string;
  token: string;
}

/** Node types that belong to no merchant: reference data and the ADMIN's platform metrics. */
const GLOBAL_NODE_TYPES = new Set(['Platform', 'Feature', 'AddOnProduct', 'SubscriptionTier', 'CapacitySnapshot']);

/** Strings that name a row: a field (argument or input field) of this name takes the victim's value. */
const NAMING_STRINGS = ['email', 'cardNumber', 'qrCodeData'];

// ---------------------------------------------------------------------------------------------------------------
// Values: one small generator per scalar/enum/input type, and the overrides a plain value cannot pass.

/** By argument/field name: values a plain one cannot pass (a code that must exist, a PIN's format, a date range). */
const BY_NAME: Record<string, () => unknown> = {
  platformCode: () => 'loyalty',
  tierCode: () => 'enterprise',
  code: () => 'api_access',
  pin: () => '4826',
  staffPin: () => '4826',
  password: () => 'probe-password-1',
  currency: () => 'EUR',
  from: () => new Date(Date.now() - 86_400_000).toISOString(),
  to: () => new Date().toISOString(),
};

/** By scalar name. An unknown scalar throws: a new one needs a line here, not a silent skip. */
const SCALARS: Record<string, () => unknown> = {
  ID: () => {
    throw new Error('ID values come from the victims or from A, never from the generator');
  },
  String: () => 'probe',
  Int: () => 1,
  Float: () => 1,
  Boolean: () => false,
  DateTime: () => new Date().toISOString(),
  JSONObject: () => ({}),
  EmailAddress: () => 'probe@example.lu',
  HexColorCode: () => '#112233',
  URL: () => 'https://example.com/probe',
  NonNegativeInt: () => 1,
  PositiveInt: () => 1,
};

/** By enum name, where the first value cannot pass. */
const ENUMS: Record<string, string> = { StoreRole: 'STAFF' };

const OMIT = Symbol('omit');
type Value = unknown;

/** A place in a field's arguments that takes a victim's value: an ID anywhere, or a string that names a row. */
interface Slot {
  path: string; // "input.card.id"
  parent: string; // "input.card"
  name: string;
  kind: 'id' | 'string';
  list: boolean;
  required: boolean;
  /** The Node type the ID names, inferred from the names around it (null: any). */
  nodeType: string | null;
  type: GraphQLInputType;
}

const isIdType = (type: GraphQLInputType) => getNamedType(type).name === 'ID';

class Generator {
  readonly failures: string[] = [];
  readonly nodeTypes: string[];

  constructor(readonly schema: GraphQLSchema) {
    const node = schema.getType('Node');
    if (!node || !isInterfaceType(node)) throw new Error('the schema has no Node interface');
    this.nodeTypes = schema.getPossibleTypes(node).map((t) => t.name);
  }

  /** The Node type a name stands for: exact (case-insensitive) or the one type it ends (program → LoyaltyProgram). */
  private matchType(hint: string): string | null {
    const h = hint.toLowerCase();
    if (!h || h === 'id' || h === 'ids') return null;
    const exact = this.nodeTypes.find((t) => t.toLowerCase() === h);
    if (exact) return exact;
    const ends = this.nodeTypes.filter((t) => t.toLowerCase().endsWith(h));
    if (ends.length === 1) return ends[0];
    // The type whose words all appear, in order, in the hint's (StoreFromPlatform → StorePlatform); the most words wins.
    const words = (x: string) => x.replace(/^[a-z]/, (c) => c.toUpperCase()).match(/[A-Z][a-z]*/g) ?? [];
    const hintWords = words(hint);
    const within = (t: string) => {
      let i = 0;
      for (const w of hintWords) if (i < words(t).length && words(t)[i] === w) i++;
      return i === words(t).length;
    };
    const fits = this.nodeTypes.filter(within).sort((x, y) => words(y).length - words(x).length);
    return fits.length && (fits.length === 1 || words(fits[0]).length > words(fits[1]).length) ? fits[0] : null;
  }

  /** storeId → Store; `id` of UpdateStoreInput → Store; `id` of IdInput under deleteMerchant → Merchant. */
  inferType(slotName: string, inputTypeName: string | null, fieldName: string): string | null {
    const hints = [
      slotName.replace(/Ids?$/, ''),
      inputTypeName?.replace(/(Input|Ref)$/, '').replace(/^[A-Z][a-z]+(?=[A-Z])/, '') ?? '',
      inputTypeName?.replace(/(Input|Ref)$/, '') ?? '',
      /^[a-z]+$/.test(fieldName) ? fieldName : fieldName.replace(/^[a-z]+/, ''),
    ];
    for (const hint of hints) {
      const type = this.matchType(hint);
      if (type) return type;
    }
    return null;
  }

  /** Every slot of a field's arguments (inside input objects and lists too). */
  slots(field: GraphQLField<unknown, unknown>): Slot[] {
    const out: Slot[] = [];
    const walk = (
      defs: ReadonlyArray<GraphQLArgument | GraphQLInputField>,
      prefix: string,
      inputTypeName: string | null,
      seen: Set<string>,
    ) => {
      for (const def of defs) {
        const path = prefix ? `${prefix}.${def.name}` : def.name;
        const named = getNamedType(def.type);
        const list = isListType(getNullableType(def.type));
        const required = isNonNullType(def.type);
        if (isIdType(def.type)) {
          out.push({
            path,
            parent: prefix,
            name: def.name,
            kind: 'id',
            list,
            required,
            nodeType: this.inferType(def.name, inputTypeName, field.name),
            type: def.type,
          });
        } else if (NAMING_STRINGS.includes(def.name) && isScalarType(named)) {
          out.push({
            path,
            parent: prefix,
            name: def.name,
            kind: 'string',
            list,
            required,
            nodeType: null,
            type: def.type,
          });
        } else if (isInputObjectType(named) && !seen.has(named.name) && !list) {
          walk(Object.values(named.getFields()), path, named.name, new Set([...seen, named.name]));
        }
      }
    };
    walk(field.args, '', null, new Set());
    return out;
  }

  /** A generated value for a type (no slot); throws on a type it does not know. */
  value(type: GraphQLInputType, name: string, where: string): Value {
    if (isNonNullType(type)) return this.value(type.ofType, name, where);
    if (isListType(type)) return [this.value(type.ofType, name, where)];
    if (BY_NAME[name] && !isInputObjectType(type) && !isIdType(type)) return BY_NAME[name]();
    if (isEnumType(type)) return ENUMS[type.name] ?? type.getValues()[0].name;
    if (isInputObjectType(type)) {
      const out: Record<string, Value> = {};
      for (const f of Object.values(type.getFields())) {
        if (isNonNullType(f.type) && f.defaultValue === undefined)
          out[f.name] = this.value(f.type, f.name, `${where}.${f.name}`);
      }
      return out;
    }
    if (isScalarType(type)) {
      const make = SCALARS[type.name];
      if (!make) throw new Error(`no value generator for scalar ${type.name} (at ${where}): add one to SCALARS`);
      return make();
    }
    throw new Error(`cannot generate a value of ${String(type)} at ${where}`);
  }

  /**
   * The arguments of a field: slots take `assign(slot)` (OMIT leaves an optional one out); other
   * required fields are generated; optional input objects are built only when they hold an assigned slot.
   */
  args(
    field: GraphQLField<unknown, unknown>,
    assign: (slot: Slot) => { value: Value | typeof OMIT; explicit: boolean },
    slots: Slot[],
  ) {
    const bySlot = new Map(slots.map((s) => [s.path, s]));
    const build = (
      defs: ReadonlyArray<GraphQLArgument | GraphQLInputField>,
      prefix: string,
    ): Record<string, Value> | typeof OMIT => {
      const out: Record<string, Value> = {};
      let holdsSlot = false;
      for (const def of defs) {
        const path = prefix ? `${prefix}.${def.name}` : def.name;
        const required = isNonNullType(def.type) && def.defaultValue === undefined;
        const slot = bySlot.get(path);
        if (slot) {
          const { value: v, explicit } = assign(slot);
          if (v !== OMIT) {
            out[def.name] = v;
            holdsSlot ||= explicit;
          } else if (required) {
            throw new Error(`required slot ${field.name}(${path}) left without a value`);
          }
          continue;
        }
        const named = getNamedType(def.type);
        if (isInputObjectType(named) && !isListType(getNullableType(def.type))) {
          const inner = build(Object.values(named.getFields()), path);
          if (inner !== OMIT) {
            out[def.name] = inner;
            holdsSlot = true;
          } else if (required) {
            out[def.name] = this.value(def.type, def.name, `${field.name}(${path})`);
          }
          continue;
        }
        if (required) out[def.name] = this.value(def.type, def.name, `${field.name}(${path})`);
      }
      return holdsSlot || !prefix ? out : OMIT;
    };
    return build(field.args, '') as Record<string, Value>;
  }

  /** An argument value as a GraphQL literal. */
  literal(value: Value, type: GraphQLInputType): string {
    if (isNonNullType(type)) return this.literal(value, type.ofType);
    if (value === null) return 'null';
    if (isListType(type)) return `[${(value as Value[]).map((v) => this.literal(v, type.ofType)).join(', ')}]`;
    if (isEnumType(type)) return String(value);
    if (isInputObjectType(type)) {
      const fields = type.getFields();
      const parts = Object.entries(value as Record<string, Value>).map(
        ([k, v]) => `${k}: ${this.literal(v, fields[k].type)}`,
      );
      return `{${parts.join(', ')}}`;
    }
    if (typeof value === 'object') {
      return `{${Object.entries(value as Record<string, Value>)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(', ')}}`;
    }
    return JSON.stringify(value);
  }

  printArgs(defs: readonly GraphQLArgument[], values: Record<string, Value>): string {
    const parts = defs.filter((d) => d.name in values).map((d) => `${d.name}: ${this.literal(values[d.name], d.type)}`);
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  /**
   * A selection of everything up to `depth` object levels: leaves, nested objects (connections' edges
   * and nodes are wrappers and do not count), `first: 2` on connections, generated required arguments.
   */
  selection(type: GraphQLNamedType, depth: number): string {
    if (isLeafType(type)) return '';
    if (isAbstractType(type)) {
      // Leaves of each possible type, but only those whose name has one type across all of them
      // (`name: String!` on one and `name: String` on another cannot share a response key).
      const possible = this.schema.getPossibleTypes(type);
      const typesOf = new Map<string, Set<string>>();
      for (const t of possible)
        for (const f of Object.values(t.getFields())) {
          if (!typesOf.has(f.name)) typesOf.set(f.name, new Set());
          typesOf.get(f.name)!.add(String(f.type));
        }
      const parts = possible.map((t) => {
        const leaves = Object.values(t.getFields()).filter(
          (f) =>
            isLeafType(getNamedType(f.type)) &&
            !f.args.some((a) => isNonNullType(a.type)) &&
            typesOf.get(f.name)!.size === 1,
        );
        return leaves.length ? `... on ${t.name} { ${leaves.map((f) => f.name).join(' ')} }` : '';
      });
      return `{ __typename ${parts.join(' ')} }`;
    }
    return `{ ${this.fields(type as GraphQLObjectType, depth)} }`;
  }

  private fields(type: GraphQLObjectType, depth: number): string {
    const wrapper = /(Connection|Edge)$/.test(type.name) || type.name === 'PageInfo';
    const parts: string[] = ['__typename'];
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const args: Record<string, Value> = {};
      for (const arg of field.args) {
        if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
          if (isIdType(arg.type)) throw new Error(`${type.name}.${field.name} needs an ID argument in a selection`);
          args[arg.name] = this.value(arg.type, arg.name, `${type.name}.${field.name}(${arg.name})`);
        } else if (arg.name === 'first') args.first = 2;
      }
      const printed = `${field.name}${this.printArgs(field.args, args)}`;
      if (isLeafType(named)) parts.push(printed);
      else {
        const next = wrapper ? depth : depth - 1;
        if (next < 0) continue;
        parts.push(`${printed} ${this.selection(named, next)}`);
      }
    }
    return parts.join(' ');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The victim's rows: everything reachable from its roots through foreign keys, read with direct SQL.

interface ForeignKey {
  child: string;
  col: string;
  parent: string;
}

class Snapshots {
  private fks: ForeignKey[] = [];
  private withId = new Set<string>();
  private sql = new Map<Victim, { text: string; hash: string; params: number[][] }>();

  constructor(private readonly db: Client) {}

  async init() {
    this.fks = (
      await this.db.query<ForeignKey>(
        `SELECT c.conrelid::regclass::text AS child, a.attname AS col, c.confrelid::regclass::text AS parent
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND array_length(c.conkey, 1) = 1`,
      )
    ).rows;
    const ids = await this.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id'`,
    );
    this.withId = new Set(ids.rows.map((r) => r.table_name));
  }

  /**
   * One statement: a CTE per table holding the victim's row ids (its roots, and rows whose foreign key
   * points at one), in dependency order; `users` only as what the victim's rows point at (their owner,
   * their members), never the other way; then every such row as JSON.
   */
  private statement(victim: Victim) {
    const cached = this.sql.get(victim);
    if (cached) return cached;
    const skip = new Set(victim.notOwned ?? []);
    const down = this.fks.filter(
      (fk) =>
        fk.parent !== 'users' &&
        fk.child !== fk.parent &&
        fk.col !== 'deleted_by_id' &&
        !skip.has(fk.child) &&
        !skip.has(fk.parent),
    );
    const tables = new Set<string>(Object.keys(victim.roots));
    for (let grew = true; grew;) {
      grew = false;
      for (const fk of down) {
        if (tables.has(fk.parent) && !tables.has(fk.child)) {
          tables.add(fk.child);
          grew = true;
        }
      }
    }
    const params: number[][] = [];
    const ctes: string[] = [];
    const done = new Set<string>();
    const cte = (t: string) => `v_${t}`;
    const leaves: string[] = [];
    for (let progress = true; progress;) {
      progress = false;
      for (const t of tables) {
        if (done.has(t)) continue;
        const from = down.filter((fk) => fk.child === t && tables.has(fk.parent));
        if (from.some((fk) => !done.has(fk.parent))) continue;
        const where: string[] = [];
        if (victim.roots[t]) {
          params.push(victim.roots[t]);
          where.push(`id = ANY($${params.length}::int[])`);
        }
        for (const fk of from) where.push(`"${fk.col}" IN (SELECT id FROM ${cte(fk.parent)})`);
        if (this.withId.has(t)) ctes.push(`${cte(t)} AS (SELECT id FROM "${t}" WHERE ${where.join(' OR ')})`);
        else leaves.push(`SELECT '${t}' AS t, to_jsonb(x)::text AS j FROM "${t}" x WHERE ${where.join(' OR ')}`);
        done.add(t);
        progress = true;
      }
    }
    const cycle = [...tables].filter((t) => !done.has(t));
    if (cycle.length) throw new Error(`foreign keys form a cycle among ${cycle.join(', ')}`);
    const owned = [...done].filter((t) => this.withId.has(t));
    const userRefs = this.fks.filter(
      (fk) => fk.parent === 'users' && owned.includes(fk.child) && fk.col !== 'deleted_by_id',
    );
    if (userRefs.length) {
      ctes.push(
        `v__users AS (SELECT id FROM users WHERE ${userRefs
          .map((fk) => `id IN (SELECT "${fk.col}" FROM "${fk.child}" WHERE id IN (SELECT id FROM ${cte(fk.child)}))`)
          .join(' OR ')})`,
      );
    }
    const selects = [
      ...owned.map(
        (t) => `SELECT '${t}' AS t, to_jsonb(x)::text AS j FROM "${t}" x WHERE id IN (SELECT id FROM ${cte(t)})`,
      ),
      ...(userRefs.length
        ? [`SELECT 'users' AS t, to_jsonb(x)::text AS j FROM users x WHERE id IN (SELECT id FROM v__users)`]
        : []),
      ...leaves,
    ];
    const body = `WITH ${ctes.join(',\n')} SELECT t, j FROM (${selects.join('\nUNION ALL\n')}) rows`;
    const text = `${body} ORDER BY t, j`;
    const hash = `SELECT md5(coalesce(string_agg(t || j, ',' ORDER BY t, j), '')) AS h FROM (${body}) r`;
    const built = { text, hash, params };
    this.sql.set(victim, built);
    return built;
  }

  /** A digest of the same rows: one short answer per mutation, the rows themselves only when it moved. */
  async digest(victim: Victim): Promise<string> {
    const { hash, params } = this.statement(victim);
    return (await this.db.query<{ h: string }>(hash, params)).rows[0].h;
  }

  async take(victim: Victim): Promise<Map<string, string>> {
    const { text, params } = this.statement(victim);
    const { rows } = await this.db.query<{ t: string; j: string }>(text, params);
    const out = new Map<string, string>();
    for (const row of rows) {
      const id = (JSON.parse(row.j) as { id?: number }).id;
      out.set(`${row.t}#${id ?? row.j}`, row.j);
    }
    return out;
  }
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, row] of before) {
    const now = after.get(key);
    if (now === undefined) out.push(`${key} disappeared`);
    else if (now !== row) {
      const a = JSON.parse(row) as Record<string, unknown>;
      const b = JSON.parse(now) as Record<string, unknown>;
      const cols = Object.keys(b).filter((c) => JSON.stringify(a[c]) !== JSON.stringify(b[c]));
      out.push(
        `${key} changed: ${cols.map((c) => `${c} ${JSON.stringify(a[c])} -> ${JSON.stringify(b[c])}`).join(', ')}`,
      );
    }
  }
  for (const key of after.keys()) if (!before.has(key)) out.push(`${key} appeared: ${after.get(key)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The matrix

interface Call {
  root: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  text: string; // `name(args) { selection }`
  sent: { ids: string[]; strings: string[] };
  label: string;
  /** The same probe with fewer of A's optional IDs beside the victim's (for "exactly one of" rules). */
  fallbacks: Call[];
}

/** Codes that say a probe never reached the resolver's scope check: the generator must be fixed. */
const PROBE_FAILURES = new Set([
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_USER_INPUT',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
]);

const QUERY_DEPTH = 2;
/** Requests in flight at once: each asks the merchant's cost bucket for its price before it runs. */
const QUERY_CONCURRENCY = 3;

async function inParallel<T>(items: T[], width: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}
const MUTATION_DEPTH = 2;
const ALIASES_PER_REQUEST = 25;

function calls(gen: Generator, root: 'query' | 'mutation', victim: Victim, own: Map<string, string>): Call[] {
  const type = root === 'query' ? gen.schema.getQueryType()! : gen.schema.getMutationType()!;
  const out: Call[] = [];
  const all = [...victim.ids.values()].flat();
  const primary = victim.ids.get('Store')?.[0] ?? all[0];
  for (const field of Object.values(type.getFields())) {
    const slots = gen.slots(field);
    const idSlots = slots.filter((s) => s.kind === 'id');
    if (root === 'mutation' && idSlots.length === 0) continue; // the matrix covers mutations that take an ID
    /** The victim's candidates for a slot: of the inferred type; any of its IDs when none is inferred. */
    const candidates = (s: Slot): string[] => {
      if (s.kind === 'string') return victim.strings[s.name] ?? [];
      if (!s.nodeType) return all;
      return victim.ids.get(s.nodeType) ?? [primary];
    };
    const ownValue = (s: Slot): Value => {
      const id = (s.nodeType && own.get(s.nodeType)) || own.get('Store')!;
      return s.list ? [id] : id;
    };
    const selection = gen.selection(getNamedType(field.type), root === 'query' ? QUERY_DEPTH : MUTATION_DEPTH);
    const variants: Array<{ assign: Map<string, Value>; label: string }> = [];
    // Every ID slot at once holds the victim's (lists: all of its candidates).
    if (idSlots.length) {
      const assign = new Map<string, Value>();
      for (const s of idSlots) assign.set(s.path, s.list ? candidates(s) : candidates(s)[0]);
      variants.push({ assign, label: 'every ID of the victim' });
    }
    // One slot at a time holds each victim value; required IDs name A's own rows.
    for (const s of slots) {
      if (s.list && s.kind === 'id') continue; // covered above with every candidate at once
      for (const v of candidates(s)) {
        variants.push({ assign: new Map([[s.path, s.list ? [v] : v]]), label: `${s.path} = victim's` });
      }
    }
    if (!slots.length) variants.push({ assign: new Map(), label: 'plain' });
    const seen = new Set<string>();
    /** Optional IDs that are not the victim's: A's own; else left out beside the victim's; else left out. */
    const build = (variant: (typeof variants)[number], optionalIds: 'own' | 'siblings' | 'omit'): Call | null => {
      const victimParents = new Set(slots.filter((s) => variant.assign.has(s.path)).map((s) => s.parent));
      const sent = { ids: [] as string[], strings: [] as string[] };
      let args: Record<string, Value>;
      try {
        args = gen.args(
          field,
          (s) => {
            if (variant.assign.has(s.path)) {
              const value = variant.assign.get(s.path);
              (s.kind === 'id' ? sent.ids : sent.strings).push(...[value].flat().map(String));
              return { value, explicit: true };
            }
            if (s.kind === 'id') {
              if (s.required) return { value: ownValue(s), explicit: false };
              const keep = optionalIds === 'own' || (optionalIds === 'siblings' && !victimParents.has(s.parent));
              return keep ? { value: ownValue(s), explicit: true } : { value: OMIT, explicit: false };
            }
            return { value: s.required ? gen.value(s.type, s.name, s.path) : OMIT, explicit: false };
          },
          slots,
        );
      } catch (err) {
        gen.failures.push(`${root} ${field.name}: ${(err as Error).message}`);
        return null;
      }
      const text = `${field.name}${gen.printArgs(field.args, args)} ${selection}`;
      return { root, field, text, sent, label: `${field.name} [${variant.label}]`, fallbacks: [] };
    };
    for (const variant of variants) {
      const call = build(variant, 'own');
      if (!call || seen.has(call.text)) continue;
      seen.add(call.text);
      for (const policy of ['siblings', 'omit'] as const) {
        const fallback = build(variant, policy);
        if (fallback && ![call, ...call.fallbacks].some((c) => c.text === fallback.text)) call.fallbacks.push(fallback);
      }
      out.push(call);
    }
  }
  return out;
}

interface Finding {
  victim: string;
  caller: string;
  call: string;
  what: string;
}

class Matrix {
  readonly findings: Finding[] = [];
  readonly probeFailures: string[] = [];
  readonly exercised = new Set<string>();
  requests = 0;

  constructor(
    private readonly server: TestServer,
    private readonly gen: Generator,
    private readonly snapshots: Snapshots,
  ) {}

  private scan(victim: Victim, caller: Caller, call: Call, result: GqlResult) {
    const dataRaw = JSON.stringify(result.data ?? null);
    const errorsRaw = JSON.stringify(result.errors ?? []);
    const data = dataRaw.toLowerCase();
    const errors = errorsRaw.toLowerCase();
    const sentStrings = call.sent.strings.map((s) => s.toLowerCase());
    // Texts: anywhere, any case. IDs: as whole JSON strings, exact (User:2 must not match User:21).
    const inData = victim.needles.filter((n) => data.includes(n) && !sentStrings.some((s) => s.includes(n)));
    const inErrors = victim.needles.filter((n) => errors.includes(n) && !sentStrings.some((s) => s.includes(n)));
    const ids = [...victim.ids.values()].flat();
    const idsInData = ids.filter((id) => containsId(dataRaw, id));
    const idsInErrors = ids.filter((id) => containsId(errorsRaw, id) && !call.sent.ids.includes(id));
    const leaked = [...new Set([...inData, ...inErrors, ...idsInData, ...idsInErrors])];
    if (leaked.length) {
      this.findings.push({
        victim: victim.label,
        caller: caller.label,
        call: call.label,
        what: `returned ${leaked.map((n) => `${n} (${needleName(victim, n)})`).join(', ')}`,
      });
    }
  }

  private probeFailed(caller: Caller, label: string, result: GqlResult) {
    for (const error of result.errors ?? []) {
      const code = String(error.extensions?.code);
      if (!PROBE_FAILURES.has(code)) continue;
      this.probeFailures.push(`${caller.label} ${label}: ${code} ${error.message}`);
    }
  }

  /** Validated here first (a generator bug is reported as such); a reused keep-alive socket the server closed is retried. */
  private async send(doc: string, caller: Caller): Promise<GqlResult> {
    const errors = validate(this.gen.schema, parse(doc));
    if (errors.length) throw new Error(`generated an invalid operation: ${errors[0].message}\n${doc.slice(0, 2000)}`);
    this.requests++;
    let result: GqlResult;
    try {
      result = await this.server.gql(doc, {}, { token: caller.token });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
      result = await this.server.gql(doc, {}, { token: caller.token });
    }
    return result;
  }

  /** Every Query call, batched under aliases; the victim's rows compared around the whole run. */
  async queries(victim: Victim, callers: Caller[], list: Call[]) {
    const before = await this.snapshots.take(victim);
    for (const caller of callers) {
      // A non-null root field that errs nulls the whole answer: those go alone, the nullable ones in batches.
      const alone = list.filter((c) => isNonNullType(c.field.type));
      const nullable = list.filter((c) => !isNonNullType(c.field.type));
      const batches: Call[][] = alone.map((c) => [c]);
      for (let i = 0; i < nullable.length; i += ALIASES_PER_REQUEST)
        batches.push(nullable.slice(i, i + ALIASES_PER_REQUEST));
      await inParallel(batches, QUERY_CONCURRENCY, async (batch) => {
        const result = await this.send(`query { ${batch.map((c, i) => `q${i}: ${c.text}`).join('\n')} }`, caller);
        batch.forEach((call, i) => {
          const alias = `q${i}`;
          const part: GqlResult = {
            ...result,
            data: { [alias]: result.data?.[alias] ?? null },
            errors: (result.errors ?? []).filter((e) => e.path?.[0] === alias || !e.path),
          };
          this.exercised.add(`Query.${call.field.name}`);
          this.probeFailed(caller, call.label, part);
          this.scan(victim, caller, call, part);
        });
      });
    }
    for (const change of diff(before, await this.snapshots.take(victim))) {
      this.findings.push({
        victim: victim.label,
        caller: callers.map((c) => c.label).join('/'),
        call: 'queries',
        what: change,
      });
    }
  }

  /** Every Mutation call on its own, the victim's rows compared around each. */
  async mutations(victim: Victim, callers: Caller[], list: Call[]) {
    let before = await this.snapshots.take(victim);
    let digest = await this.snapshots.digest(victim);
    for (const caller of callers) {
      for (const first of list) {
        let call = first;
        let result = await this.send(`mutation { ${call.text} }`, caller);
        for (const fallback of first.fallbacks) {
          if (!result.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) break;
          // An "exactly one of" rule refused A's optional IDs beside the victim's: the same probe with fewer.
          this.scan(victim, caller, call, result);
          call = fallback;
          result = await this.send(`mutation { ${call.text} }`, caller);
        }
        this.exercised.add(`Mutation.${call.field.name}`);
        this.probeFailed(caller, call.label, result);
        this.scan(victim, caller, call, result);
        const now = await this.snapshots.digest(victim);
        if (now === digest) continue;
        const after = await this.snapshots.take(victim);
        for (const change of diff(before, after)) {
          this.findings.push({ victim: victim.label, caller: caller.label, call: call.label, what: change });
        }
        [before, digest] = [after, now];
      }
    }
  }
}

/** A global ID as a whole token (base64url: User:2 is a prefix of User:21). */
const containsId = (text: string, id: string) => new RegExp(`(?<![A-Za-z0-9_-])${id}(?![A-Za-z0-9_-])`).test(text);

const describing = new Map<string, string>();
function needleName(victim: Victim, needle: string): string {
  return describing.get(`${victim.label}:${needle}`) ?? 'API key prefix or card code';
}

// ---------------------------------------------------------------------------------------------------------------
// Setup through the API: A (stores A1, A2, A3), B (one object of every Node type a merchant can own)

let server: TestServer;
let db: Client;
let gen: Generator;
let snapshots: Snapshots;
let matrix: Matrix;
let admin: string;
let a: { owner: Caller; staff: Caller; key: Caller; own: Map<string, string> };
let victimB: Victim;
let victimA2: Victim;
let victimDeleted: Victim;
let bOwner: Caller;
let addOnProductId: string;

const hex = () => randomBytes(5).toString('hex');

async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
  const data = await server.ok(query, variables, { token });
  for (const value of Object.values(data)) {
    const errors = (value as { userErrors?: unknown[] } | null)?.userErrors;
    if (errors?.length) throw new Error(`${query.slice(0, 80)}: ${JSON.stringify(errors)}`);
  }
  return data;
}

const M = {
  store: `mutation($i: CreateStoreInput!) { x: createStore(input: $i) { store { id } userErrors { code message } } }`,
  join: `mutation($i: AddStoreToPlatformInput!) { x: addStoreToPlatform(input: $i) { storePlatform { id subscription { id } } userErrors { code message } } }`,
  tier: `mutation($i: ChangeSubscriptionTierInput!) { x: changeSubscriptionTier(input: $i) { userErrors { code message } } }`,
  invite: `mutation($i: InviteTeamMemberInput!) { x: inviteTeamMember(input: $i) { storeUser { id } invitationToken userErrors { code message } } }`,
  accept: `mutation($i: AcceptInvitationInput!) { x: acceptInvitation(input: $i) { token user { id } userErrors { code message } } }`,
  key: `mutation($i: CreateApiKeyInput!) { x: createApiKey(input: $i) { apiKey { id prefix } secret userErrors { code message } } }`,
  customer: `mutation($i: CreateCustomerInput!) { x: createCustomer(input: $i) { customer { id } userErrors { code message } } }`,
  product: `mutation($i: CreateProductInput!) { x: createProduct(input: $i) { product { id } userErrors { code message } } }`,
  order: `mutation($i: CreateOrderInput!) { x: createOrder(input: $i) { order { id } userErrors { code message } } }`,
  program: `mutation($i: CreateLoyaltyProgramInput!) { x: createLoyaltyProgram(input: $i) { program { id } userErrors { code message } } }`,
  pin: `mutation($i: CreateStaffPinInput!) { x: createStaffPin(input: $i) { staffPin { id } userErrors { code message } } }`,
  enroll: `mutation($i: EnrollCustomerInput!) { x: enrollCustomer(input: $i) { card { id cardNumber qrCodeData } customer { id } transaction { id } userErrors { code message } } }`,
  stamp: `mutation($i: AddStampInput!) { x: addStamp(input: $i) { transaction { id } userErrors { code message } } }`,
  addOn: `mutation($i: PurchaseAddOnInput!) { x: purchaseAddOn(input: $i) { storeAddOn { id } userErrors { code message } } }`,
};

/** A merchant whose names all carry `mark`, with its owner signed in. */
async function merchant(mark: string) {
  const email = `owner.${mark}@example.lu`;
  const data = await ok(
    admin,
    `mutation($i: CreateMerchantInput!) { x: createMerchant(input: $i) { merchant { id } owner { id } userErrors { code message } } }`,
    {
      i: {
        name: `Merchant ${mark}`,
        contactEmail: email,
        owner: { email, password: 'owner-password', name: `Owner ${mark}` },
      },
    },
  );
  return {
    id: data.x.merchant.id as string,
    ownerId: data.x.owner.id as string,
    email,
    token: await login(server, email, 'owner-password'),
  };
}

/** A store on both platforms (its subscriptions on `tier`), named with `mark`. */
async function store(token: string, merchantId: string, mark: string, tier = 'business') {
  const code = `${mark}${hex()}`.toUpperCase().slice(0, 16);
  const created = await ok(token, M.store, {
    i: { merchantId, name: `Store ${mark}`, storeCode: code, subdomain: `s-${mark}-${hex()}` },
  });
  const id = created.x.store.id as string;
  const memberships: string[] = [];
  const subscriptions: string[] = [];
  for (const platformCode of ['oms', 'loyalty']) {
    const joined = await ok(token, M.join, { i: { storeId: id, platformCode } });
    memberships.push(joined.x.storePlatform.id);
    subscriptions.push(joined.x.storePlatform.subscription.id);
    await ok(token, M.tier, { i: { storeId: id, platformCode, tierCode: tier } });
  }
  return { id, memberships, subscriptions };
}

async function member(ownerToken: string, storeId: string, mark: string, accept = true) {
  const email = `staff.${mark}.${hex()}@example.lu`;
  const invited = await ok(ownerToken, M.invite, { i: { storeId, email, role: 'STAFF', name: `Staff ${mark}` } });
  const storeUserId = invited.x.storeUser.id as string;
  if (!accept) return { email, storeUserId, token: '', userId: '' };
  const accepted = await ok('', M.accept, { i: { token: invited.x.invitationToken, password: 'staff-password' } });
  return { email, storeUserId, token: accepted.x.token as string, userId: accepted.x.user.id as string };
}

/** Customer, product, order, API key, add-on and billing row of a store, all named with `mark`. */
async function storeRows(ownerToken: string, s: { id: string; subscriptions: string[] }, mark: string) {
  const customer = (
    await ok(ownerToken, M.customer, {
      i: { storeId: s.id, email: `c.${mark}.${hex()}@example.lu`, name: `Customer ${mark}` },
    })
  ).x.customer.id as string;
  const product = (
    await ok(ownerToken, M.product, {
      i: { storeId: s.id, sku: `SKU-${mark}-${hex()}`, name: `Product ${mark}`, priceCents: 100 },
    })
  ).x.product.id as string;
  const order = (
    await ok(ownerToken, M.order, {
      i: { storeId: s.id, totalCents: 100, customerId: customer, reference: `REF-${mark}-${hex()}` },
    })
  ).x.order.id as string;
  const key = (await ok(ownerToken, M.key, { i: { storeId: s.id, name: `Key ${mark}` } })).x;
  const addOn = (await ok(ownerToken, M.addOn, { i: { storeId: s.id, addOnProductId } })).x.storeAddOn.id as string;
  const [billing] = await db
    .query<{ id: number }>(
      `INSERT INTO billing_history (store_subscription_id, invoice_number, invoice_date, subtotal_cents, total_cents, status, description)
     VALUES ($1, $2, now(), 100, 100, 'paid', $3) RETURNING id`,
      [dbId(s.subscriptions[0]), `INV-${mark}-${hex()}`.slice(0, 50), `Invoice ${mark}`],
    )
    .then((r) => r.rows);
  return {
    customer,
    product,
    order,
    apiKey: key.apiKey.id as string,
    apiKeyPrefix: key.apiKey.prefix as string,
    apiKeySecret: key.secret as string,
    addOn,
    billing: toGlobalId('BillingHistory', billing.id),
  };
}

async function program(ownerToken: string, merchantId: string, mark: string) {
  return (
    await ok(ownerToken, M.program, {
      i: {
        merchantId,
        loyaltyType: 'HYBRID',
        cardName: `Card ${mark}`,
        requireStaffPin: false,
        cooldownMinutes: 0,
        welcomeBonusPoints: 5,
        stampsTarget: 5,
      },
    })
  ).x.program.id as string;
}

async function card(token: string, programId: string, storeId: string, mark: string) {
  const enrolled = (
    await ok(token, M.enroll, {
      i: { programId, storeId, customer: { email: `holder.${mark}.${hex()}@example.lu`, name: `Holder ${mark}` } },
    })
  ).x;
  const stamp = (await ok(token, M.stamp, { i: { card: { id: enrolled.card.id }, storeId } })).x;
  return {
    id: enrolled.card.id as string,
    cardNumber: enrolled.card.cardNumber as string,
    qrCodeData: enrolled.card.qrCodeData as string,
    customer: enrolled.customer.id as string,
    transactions: [enrolled.transaction?.id, stamp.transaction.id].filter(Boolean) as string[],
  };
}

function victim(
  label: string,
  mark: string,
  ids: Record<string, Array<string | undefined>>,
  extra: Partial<Victim> & { reach?: Record<string, string[]> },
): Victim {
  const map = new Map<string, string[]>();
  for (const [type, list] of Object.entries(ids)) {
    const present = list.filter((x): x is string => Boolean(x));
    if (present.length) map.set(type, present);
  }
  const strings = extra.strings ?? {};
  const needles = new Set<string>([mark.toLowerCase(), ...(extra.needles ?? []).map((n) => n.toLowerCase())]);
  for (const [type, list] of map) for (const id of list) describing.set(`${label}:${id}`, `${type} ${dbId(id)}`);
  for (const [name, list] of Object.entries(strings))
    for (const s of list) {
      needles.add(s.toLowerCase());
      describing.set(`${label}:${s.toLowerCase()}`, name);
    }
  describing.set(`${label}:${mark.toLowerCase()}`, `${label}'s name marker`);
  return {
    label,
    ids: map,
    strings: { ...strings, ...extra.reach },
    needles: [...needles],
    roots: extra.roots ?? {},
    notOwned: extra.notOwned,
  };
}

beforeAll(async () => {
  server = await TestServer.start({ MAX_QUERY_TOKENS: '50000', MAX_QUERY_DEPTH: '40', MAX_QUERY_COST: '200000' });
  db = new Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  admin = await adminToken(server);
  const introspection = await server.ok<IntrospectionQuery>(getIntrospectionQuery(), {}, { token: admin });
  gen = new Generator(buildClientSchema(introspection));
  snapshots = new Snapshots(db);
  await snapshots.init();
  matrix = new Matrix(server, gen, snapshots);
  addOnProductId = (
    await ok(
      admin,
      `mutation($i: CreateAddOnProductInput!) { x: createAddOnProduct(input: $i) { addOnProduct { id } userErrors { code message } } }`,
      { i: { code: `matrix_${hex()}`, name: 'Matrix add-on', category: 'STORAGE', priceCents: 100 } },
    )
  ).x.addOnProduct.id;

  // Merchant B: one object of every Node type a merchant owns, every name marked.
  const mb = `zqb${hex()}`;
  const b = await merchant(mb);
  bOwner = { label: "B's owner (control)", token: b.token };
  const b1 = await store(b.token, b.id, mb);
  const bStaff = await member(b.token, b1.id, mb);
  const bRows = await storeRows(b.token, b1, mb);
  const bProgram = await program(b.token, b.id, mb);
  const bPin = (
    await ok(b.token, M.pin, { i: { programId: bProgram, storeId: b1.id, staffName: `Pin ${mb}`, pin: '7351' } })
  ).x.staffPin.id as string;
  const bCard = await card(b.token, bProgram, b1.id, mb);
  victimB = victim(
    'B',
    mb,
    {
      Merchant: [b.id],
      Store: [b1.id],
      StorePlatform: b1.memberships,
      StoreSubscription: b1.subscriptions,
      StoreUser: [bStaff.storeUserId],
      User: [b.ownerId, bStaff.userId],
      StoreApiKey: [bRows.apiKey],
      Customer: [bRows.customer, bCard.customer],
      Product: [bRows.product],
      Order: [bRows.order],
      StoreAddOn: [bRows.addOn],
      BillingHistory: [bRows.billing],
      LoyaltyProgram: [bProgram],
      StaffPin: [bPin],
      LoyaltyCard: [bCard.id],
      LoyaltyTransaction: bCard.transactions,
    },
    {
      strings: {
        email: [b.email, bStaff.email],
        cardNumber: [bCard.cardNumber],
        qrCodeData: [bCard.qrCodeData],
      },
      needles: [bRows.apiKeyPrefix, bCard.cardNumber, bCard.qrCodeData],
      roots: { merchants: [dbId(b.id)] },
    },
  );

  // Merchant A: A1 (staff, key, the valid rows), A2 (another store), A3 (deleted), an old deleted program.
  const ma = `zqa${hex()}`;
  const m2 = `zqs${hex()}`;
  const md = `zqd${hex()}`;
  const am = await merchant(ma);
  const a1 = await store(am.token, am.id, ma, 'enterprise');
  const a2 = await store(am.token, am.id, m2);
  const a3 = await store(am.token, am.id, md);
  const aStaff = await member(am.token, a1.id, ma);
  const a1Rows = await storeRows(am.token, a1, ma);
  const a2Rows = await storeRows(am.token, a2, m2);
  const a2Staff = await member(am.token, a2.id, m2);
  const a3Rows = {
    customer: (
      await ok(am.token, M.customer, { i: { storeId: a3.id, email: `c.${md}@example.lu`, name: `Customer ${md}` } })
    ).x.customer.id as string,
    product: (
      await ok(am.token, M.product, { i: { storeId: a3.id, sku: `SKU-${md}`, name: `Product ${md}`, priceCents: 1 } })
    ).x.product.id as string,
    staff: await member(am.token, a3.id, md, false),
  };
  const oldProgram = await program(am.token, am.id, md);
  const oldCard = await card(am.token, oldProgram, a1.id, 'oldholder');
  await ok(am.token, `mutation($i: IdInput!) { x: deleteLoyaltyProgram(input: $i) { userErrors { code message } } }`, {
    i: { id: oldProgram },
  });
  await ok(am.token, `mutation($i: IdInput!) { x: deleteStore(input: $i) { userErrors { code message } } }`, {
    i: { id: a3.id },
  });
  const aProgram = await program(am.token, am.id, ma);
  const aPin = (
    await ok(am.token, M.pin, { i: { programId: aProgram, storeId: a1.id, staffName: `Pin ${ma}`, pin: '2468' } })
  ).x.staffPin.id as string;
  const a1Card = await card(am.token, aProgram, a1.id, ma);
  const a2Card = await card(am.token, aProgram, a2.id, 'a2holder');
  // Rows of A1 soft-deleted directly (there is no delete mutation for them).
  const d1 = {
    customer: (
      await ok(am.token, M.customer, { i: { storeId: a1.id, email: `c1.${md}@example.lu`, name: `Customer1 ${md}` } })
    ).x.customer.id as string,
    product: (
      await ok(am.token, M.product, { i: { storeId: a1.id, sku: `SKU1-${md}`, name: `Product1 ${md}`, priceCents: 1 } })
    ).x.product.id as string,
    order: (await ok(am.token, M.order, { i: { storeId: a1.id, totalCents: 1, reference: `REF1-${md}` } })).x.order
      .id as string,
    staff: await member(am.token, a1.id, md, false),
  };
  for (const [table, id] of [
    ['customers', d1.customer],
    ['products', d1.product],
    ['orders', d1.order],
    ['store_users', d1.staff.storeUserId],
  ] as const) {
    await db.query(`UPDATE ${table} SET deleted_at = now() WHERE id = $1`, [dbId(id)]);
  }

  const own = new Map<string, string>([
    ['Merchant', am.id],
    ['Store', a1.id],
    ['StorePlatform', a1.memberships[1]],
    ['StoreSubscription', a1.subscriptions[1]],
    ['StoreUser', aStaff.storeUserId],
    ['User', aStaff.userId],
    ['StoreApiKey', a1Rows.apiKey],
    ['Customer', a1Rows.customer],
    ['Product', a1Rows.product],
    ['Order', a1Rows.order],
    ['StoreAddOn', a1Rows.addOn],
    ['BillingHistory', a1Rows.billing],
    ['LoyaltyProgram', aProgram],
    ['StaffPin', aPin],
    ['LoyaltyCard', a1Card.id],
    ['LoyaltyTransaction', a1Card.transactions[0]],
    ['AddOnProduct', addOnProductId],
  ]);
  const globals = await server.ok(
    `{ platforms { id } subscriptionTiers { id } features { id } }`,
    {},
    { token: admin },
  );
  own.set('Platform', globals.platforms[0].id);
  own.set('SubscriptionTier', globals.subscriptionTiers[0].id);
  own.set('Feature', globals.features[0].id);
  a = {
    owner: { label: "A's owner", token: am.token },
    staff: { label: "A1's staff", token: aStaff.token },
    key: { label: "A1's API key", token: a1Rows.apiKeySecret },
    own,
  };

  victimA2 = victim(
    'A2',
    m2,
    {
      Store: [a2.id],
      StorePlatform: a2.memberships,
      StoreSubscription: a2.subscriptions,
      StoreUser: [a2Staff.storeUserId],
      User: [a2Staff.userId],
      StoreApiKey: [a2Rows.apiKey],
      Customer: [a2Rows.customer],
      Product: [a2Rows.product],
      Order: [a2Rows.order],
      StoreAddOn: [a2Rows.addOn],
      BillingHistory: [a2Rows.billing],
    },
    {
      // A2's card is merchant-wide: reached by its number, it must not show A2's own rows.
      strings: { email: [a2Staff.email] },
      reach: { cardNumber: [a2Card.cardNumber], qrCodeData: [a2Card.qrCodeData] },
      needles: [a2Rows.apiKeyPrefix],
      roots: { stores: [dbId(a2.id)] },
      notOwned: ['loyalty_cards', 'loyalty_transactions'],
    },
  );
  const softDeletable = new Set(
    gen.nodeTypes.filter((t) => {
      const type = gen.schema.getType(t) as GraphQLObjectType;
      return type.getInterfaces().some((i) => i.name === 'SoftDeletable');
    }),
  );
  const deletedIds: Record<string, string[]> = {
    Store: [a3.id],
    StorePlatform: a3.memberships,
    StoreUser: [a3Rows.staff.storeUserId, d1.staff.storeUserId],
    Customer: [a3Rows.customer, d1.customer, oldCard.customer],
    Product: [a3Rows.product, d1.product],
    Order: [d1.order],
    LoyaltyProgram: [oldProgram],
    LoyaltyCard: [oldCard.id],
  };
  // Only types that are soft-deleted themselves (a customer enrolled by the deleted program stays live).
  deletedIds.Customer = deletedIds.Customer.filter((id) => id !== oldCard.customer);
  for (const type of Object.keys(deletedIds)) if (!softDeletable.has(type)) delete deletedIds[type];
  victimDeleted = victim('deleted rows of A', md, deletedIds, {
    strings: { cardNumber: [oldCard.cardNumber], qrCodeData: [oldCard.qrCodeData] },
    needles: [oldCard.cardNumber],
    roots: {
      stores: [dbId(a3.id)],
      loyalty_programs: [dbId(oldProgram)],
      customers: [dbId(d1.customer)],
      products: [dbId(d1.product)],
      orders: [dbId(d1.order)],
      store_users: [dbId(d1.staff.storeUserId)],
    },
    // The deleted card's holder is a live customer of A1, its ledger is history: not rows the delete hid.
    notOwned: ['loyalty_transactions'],
  });
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------------------------

const report = (findings: Finding[]) => findings.map((f) => `[${f.victim}] ${f.caller} ${f.call}: ${f.what}`).sort();

describe('the isolation matrix, generated from the schema', () => {
  it('has an object of B for every Node type a merchant can own, and B has rows to compare', async () => {
    const missing = gen.nodeTypes.filter((t) => !GLOBAL_NODE_TYPES.has(t) && !victimB.ids.has(t));
    expect(missing).toEqual([]);
    const rows = await snapshots.take(victimB);
    const tables = new Set([...rows.keys()].map((k) => k.split('#')[0]));
    // Direct SQL must see B's rows (a snapshot that reads nothing would compare nothing).
    expect([...tables].sort()).toEqual(
      expect.arrayContaining(['customers', 'loyalty_cards', 'merchants', 'orders', 'products', 'stores', 'users']),
    );
    // Each of A's callers is signed in and sees A1 and its rows: a refused token would make every probe pass.
    for (const caller of [a.owner, a.staff, a.key]) {
      const seen = await server.ok(
        `query($s: ID!, $c: ID!, $o: ID!) { store(id: $s) { id } card: node(id: $c) { id } order: node(id: $o) { id } }`,
        { s: a.own.get('Store'), c: a.own.get('LoyaltyCard'), o: a.own.get('Order') },
        { token: caller.token },
      );
      expect({ caller: caller.label, seen }).toEqual({
        caller: caller.label,
        seen: {
          store: { id: a.own.get('Store') },
          card: { id: a.own.get('LoyaltyCard') },
          order: { id: a.own.get('Order') },
        },
      });
    }
  });

  it("merchant B: no Query field returns anything of B to A's owner, staff or API key", async () => {
    const list = calls(gen, 'query', victimB, a.own);
    await matrix.queries(victimB, [a.owner, a.staff, a.key], list);
    expect(report(matrix.findings.filter((f) => f.victim === 'B'))).toEqual([]);
  });

  it("merchant B: no Mutation taking an ID returns or changes anything of B for A's owner, staff or API key", async () => {
    const list = calls(gen, 'mutation', victimB, a.own);
    await matrix.mutations(victimB, [a.owner, a.staff, a.key], list);
    expect(report(matrix.findings.filter((f) => f.victim === 'B'))).toEqual([]);
  });

  it("store A2: A1's staff and API key see and change nothing of A2 (cards excepted: merchant-wide)", async () => {
    const callers = [a.staff, a.key];
    await matrix.queries(victimA2, callers, calls(gen, 'query', victimA2, a.own));
    await matrix.mutations(victimA2, callers, calls(gen, 'mutation', victimA2, a.own));
    expect(report(matrix.findings.filter((f) => f.victim === 'A2'))).toEqual([]);
  });

  it("deleted rows of A: invisible and unchangeable for A's owner, staff and API key", async () => {
    const callers = [a.owner, a.staff, a.key];
    await matrix.queries(victimDeleted, callers, calls(gen, 'query', victimDeleted, a.own));
    await matrix.mutations(victimDeleted, callers, calls(gen, 'mutation', victimDeleted, a.own));
    expect(report(matrix.findings.filter((f) => f.victim === victimDeleted.label))).toEqual([]);
  });

  it('covered every Query field and every Mutation that takes an ID, and every probe reached the resolver', () => {
    const query = gen.schema.getQueryType()!;
    const mutation = gen.schema.getMutationType()!;
    const expected = [
      ...Object.keys(query.getFields()).map((f) => `Query.${f}`),
      ...Object.values(mutation.getFields())
        .filter((f) => gen.slots(f).some((s) => s.kind === 'id'))
        .map((f) => `Mutation.${f.name}`),
    ].sort();
    expect(gen.failures).toEqual([]);
    expect([...matrix.exercised].sort()).toEqual(expected);
    expect([...new Set(matrix.probeFailures)].sort()).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(
      `isolation matrix: ${expected.filter((e) => e.startsWith('Query.')).length} Query fields, ` +
        `${expected.filter((e) => e.startsWith('Mutation.')).length} mutations, ${gen.nodeTypes.length} Node types, ` +
        `${matrix.requests} requests`,
    );
  });

  it('would catch a leak: B asking for its own rows is flagged, and a write to B is seen', async () => {
    // The control: the same probes as B's owner must trip both assertions, or the matrix proves nothing.
    const control = new Matrix(server, gen, snapshots);
    const reads = calls(gen, 'query', victimB, a.own).filter((c) => ['node', 'store'].includes(c.field.name));
    await control.queries(victimB, [bOwner], reads);
    const write = calls(gen, 'mutation', victimB, a.own).filter((c) => c.field.name === 'createProduct');
    await control.mutations(victimB, [bOwner], write);
    const found = report(control.findings).join('\n');
    expect(found).toMatch(/node \[id = victim's\]: returned .*\(Store \d+\)/);
    expect(found).toMatch(/ store \[[^\]]*\]: returned .*B's name marker/);
    expect(found).toMatch(/createProduct .*products#\d+ appeared/);
  });
});
