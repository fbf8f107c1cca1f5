import { randomBytes } from 'node:crypto';

import { hashPin } from '../../src/services/loyalty/pin';
import { addTeamMember, adminToken, createStore, createTenant, type Tenant, unique } from '../factories/tenancy';
import { dbId } from '../support/ids';
import { TestServer } from '../support/server';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start();
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const PROGRAM_FIELDS = `id merchant { id } loyaltyType stampsTarget stampsRewardDescription stampsRewardValueCents
  pointsPerEuro pointsRewards { id name pointsRequired description } pointsExpirationDays welcomeBonusPoints
  minimumRedemptionPoints minimumPurchaseCents cooldownMinutes maxDailyStamps requireStaffPin cardName cardColor
  cardSecondaryColor logoUrl heroImageUrl googleIssuerId googleClassId applePassTypeId termsText privacyUrl
  isActive activatedAt isStampsEnabled isPointsEnabled displayName deletedAt`;
const CREATE = `mutation($input: CreateLoyaltyProgramInput!) { createLoyaltyProgram(input: $input) {
  program { ${PROGRAM_FIELDS} } userErrors { code message field } } }`;
const UPDATE = `mutation($input: UpdateLoyaltyProgramInput!) { updateLoyaltyProgram(input: $input) {
  program { ${PROGRAM_FIELDS} } userErrors { code message field } } }`;
const DELETE = `mutation($input: IdInput!) { deleteLoyaltyProgram(input: $input) {
  deletedId cascadedIds userErrors { code message field } } }`;
const PROGRAM = `query($id: ID!) { loyaltyProgram(id: $id) { id isActive } }`;
const MERCHANT_PROGRAM = `query($id: ID!) { merchant(id: $id) { loyaltyProgram { id } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const CREATE_PIN = `mutation($input: CreateStaffPinInput!) { createStaffPin(input: $input) {
  staffPin { id staffName isActive store { id } program { id } } userErrors { code message field } } }`;
const DEACTIVATE_PIN = `mutation($input: IdInput!) { deactivateStaffPin(input: $input) {
  staffPin { id isActive } userErrors { code message field } } }`;
const STAFF_PINS = `query($id: ID!) { loyaltyProgram(id: $id) { staffPins { id staffName isActive store { id } } } }`;
const STATS = `query($id: ID!) { loyaltyProgram(id: $id) { stats {
  members activeCards30d stampsIssued stampsRedeemed pointsIssued pointsRedeemed pointsVoided } } }`;
const CARDS = `query($id: ID!, $first: Int, $after: String, $search: String) { loyaltyProgram(id: $id) {
  cards(first: $first, after: $after, search: $search) {
    edges { cursor node { id cardNumber } } pageInfo { hasNextPage endCursor } totalCount } } }`;
const CARD_FIELDS = `id cardNumber qrCodeData stampCount pointsBalance stampsUntilReward googleWalletSaveUrl
  program { id } merchant { id } customer { id email } enrolledAtStore { id }`;
const CARD = `query($cardNumber: String, $qrCodeData: String) {
  loyaltyCard(cardNumber: $cardNumber, qrCodeData: $qrCodeData) { ${CARD_FIELDS} } }`;

/** The integer key inside a global ID. */
const globalId = (type: string, id: number): string => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

type Program = Record<string, any> & { id: string };

async function createProgram(token: string, input: Record<string, unknown>): Promise<Program> {
  const data = await server.ok(CREATE, { input }, { token });
  expect(data.createLoyaltyProgram.userErrors).toEqual([]);
  return data.createLoyaltyProgram.program;
}

const cardNumber = (): string => {
  const digits = Array.from(randomBytes(12), (b) => String(b % 10)).join('');
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
};

interface CardRow {
  id: string;
  cardNumber: string;
  qrCodeData: string;
  customerId: string;
  email: string;
}

/**
 * A customer of `storeId` and a card in `programId`, written with SQL
 * (enrollment is a counter operation, tested on its own).
 */
async function insertCard(
  tenant: Tenant,
  programId: string,
  values: Partial<{
    email: string;
    storeId: string;
    stampCount: number;
    totalStampsEarned: number;
    stampsRedeemed: number;
    pointsBalance: number;
    totalPointsEarned: number;
    pointsRedeemed: number;
    totalPointsVoided: number;
    lastActivityAt: Date | null;
  }> = {},
): Promise<CardRow> {
  const email = values.email ?? `${unique('customer-')}@example.lu`;
  const storeId = dbId(values.storeId ?? tenant.storeId);
  const [customer] = await server.dataSource.query(
    `INSERT INTO customers (store_id, email, name) VALUES ($1, $2, 'Customer') RETURNING id`,
    [storeId, email],
  );
  const number = cardNumber();
  const qr = randomBytes(24).toString('base64url');
  const [card] = await server.dataSource.query(
    `INSERT INTO loyalty_cards (merchant_id, customer_id, program_id, enrolled_at_store_id, card_number, qr_code_data,
        stamp_count, total_stamps_earned, stamps_redeemed, points_balance, total_points_earned, points_redeemed,
        total_points_voided, last_activity_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
    [
      dbId(tenant.merchantId),
      customer.id,
      dbId(programId),
      storeId,
      number,
      qr,
      values.stampCount ?? 0,
      values.totalStampsEarned ?? 0,
      values.stampsRedeemed ?? 0,
      values.pointsBalance ?? 0,
      values.totalPointsEarned ?? 0,
      values.pointsRedeemed ?? 0,
      values.totalPointsVoided ?? 0,
      values.lastActivityAt ?? null,
    ],
  );
  return {
    id: globalId('LoyaltyCard', card.id),
    cardNumber: number,
    qrCodeData: qr,
    customerId: globalId('Customer', customer.id),
    email,
  };
}

const FULL_INPUT = {
  loyaltyType: 'HYBRID',
  stampsTarget: 8,
  stampsRewardDescription: 'Free coffee',
  stampsRewardValueCents: 350,
  pointsPerEuro: 2,
  pointsRewards: [
    { id: 'coffee', name: 'Coffee', pointsRequired: 100, description: 'Any size' },
    { id: 'cake', name: 'Cake', pointsRequired: 250 },
  ],
  pointsExpirationDays: 365,
  welcomeBonusPoints: 50,
  minimumRedemptionPoints: 100,
  minimumPurchaseCents: 500,
  cooldownMinutes: 10,
  maxDailyStamps: 3,
  requireStaffPin: false,
  cardName: 'Café Club',
  cardColor: '#112233',
  cardSecondaryColor: '#fff',
  logoUrl: 'https://cdn.example.lu/logo.png',
  heroImageUrl: 'https://cdn.example.lu/hero.jpg',
  googleIssuerId: '3388000000012345678',
  googleClassId: '3388000000012345678.cafe',
  applePassTypeId: 'pass.lu.example.cafe',
  termsText: 'Points expire after a year without visits.',
  privacyUrl: 'https://example.lu/privacy',
  isActive: true,
};

describe('createLoyaltyProgram', () => {
  it('stores every configurable field and shows the program on its merchant', async () => {
    const tenant = await createTenant(server);
    const before = Date.now();
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, ...FULL_INPUT });
    expect(program).toEqual({
      ...FULL_INPUT,
      id: expect.any(String),
      merchant: { id: tenant.merchantId },
      pointsRewards: [
        { id: 'coffee', name: 'Coffee', pointsRequired: 100, description: 'Any size' },
        { id: 'cake', name: 'Cake', pointsRequired: 250, description: null },
      ],
      activatedAt: expect.any(String),
      isStampsEnabled: true,
      isPointsEnabled: true,
      displayName: 'Café Club',
      deletedAt: null,
    });
    expect(new Date(program.activatedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const read = await server.ok(MERCHANT_PROGRAM, { id: tenant.merchantId }, { token: tenant.ownerToken });
    expect(read.merchant.loyaltyProgram).toEqual({ id: program.id });
    const byId = await server.ok(PROGRAM, { id: program.id }, { token: tenant.ownerToken });
    expect(byId.loyaltyProgram).toEqual({ id: program.id, isActive: true });
    expect((await server.ok(NODE, { id: program.id }, { token: tenant.ownerToken })).node).toEqual({ id: program.id });
  });

  it('fills the defaults of the reference when only the type is given', async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(admin, { merchantId: tenant.merchantId, loyaltyType: 'STAMPS' });
    expect(program).toMatchObject({
      loyaltyType: 'STAMPS',
      stampsTarget: 10,
      stampsRewardDescription: 'Free item',
      stampsRewardValueCents: null,
      pointsPerEuro: 1,
      pointsRewards: [],
      pointsExpirationDays: null,
      welcomeBonusPoints: 0,
      minimumRedemptionPoints: 100,
      minimumPurchaseCents: 0,
      cooldownMinutes: 15,
      maxDailyStamps: 5,
      requireStaffPin: true,
      cardName: null,
      cardColor: '#4F46E5',
      isActive: true,
      isStampsEnabled: true,
      isPointsEnabled: false,
      displayName: 'Loyalty Card',
    });
    expect(program.activatedAt).not.toBeNull();
  });

  it('refuses a second live program for the merchant, also when requests race', async () => {
    const tenant = await createTenant(server);
    await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const again = await server.ok(
      CREATE,
      { input: { merchantId: tenant.merchantId, loyaltyType: 'STAMPS' } },
      { token: tenant.ownerToken },
    );
    expect(again.createLoyaltyProgram).toEqual({
      program: null,
      userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['merchantId'] }],
    });

    const racing = await createTenant(server);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.ok(
          CREATE,
          { input: { merchantId: racing.merchantId, loyaltyType: 'POINTS' } },
          { token: racing.ownerToken },
        ),
      ),
    );
    const created = results.filter((r) => r.createLoyaltyProgram.program);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => !r.createLoyaltyProgram.program)) {
      expect(r.createLoyaltyProgram.userErrors).toEqual([
        { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['merchantId'] },
      ]);
    }
    const [{ n }] = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM loyalty_programs WHERE merchant_id = $1`,
      [dbId(racing.merchantId)],
    );
    expect(n).toBe(1);
  });

  it('leaves activatedAt empty for an inactive program until its first activation', async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, {
      merchantId: tenant.merchantId,
      loyaltyType: 'POINTS',
      isActive: false,
    });
    expect(program).toMatchObject({ isActive: false, activatedAt: null });
    const on = await server.ok(UPDATE, { input: { id: program.id, isActive: true } }, { token: tenant.ownerToken });
    const activatedAt = on.updateLoyaltyProgram.program.activatedAt;
    expect(activatedAt).not.toBeNull();
    await server.ok(UPDATE, { input: { id: program.id, isActive: false } }, { token: tenant.ownerToken });
    const again = await server.ok(UPDATE, { input: { id: program.id, isActive: true } }, { token: tenant.ownerToken });
    expect(again.updateLoyaltyProgram.program).toMatchObject({ isActive: true, activatedAt });
  });

  it('answers invalid configuration with BAD_USER_INPUT naming each field, and writes nothing', async () => {
    const tenant = await createTenant(server);
    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ stampsTarget: 0 }, 'stampsTarget'],
      [{ pointsPerEuro: -1 }, 'pointsPerEuro'],
      [{ cooldownMinutes: -5 }, 'cooldownMinutes'],
      [{ maxDailyStamps: 0 }, 'maxDailyStamps'],
      [{ pointsRewards: [{ id: 'a', name: 'A', pointsRequired: 0 }] }, 'pointsRequired'],
      [{ cardColor: 'blue' }, 'cardColor'],
      [{ logoUrl: 'not a url' }, 'logoUrl'],
    ];
    for (const [fields, name] of invalid) {
      const result = await server.gql(
        CREATE,
        { input: { merchantId: tenant.merchantId, loyaltyType: 'HYBRID', ...fields } },
        { token: tenant.ownerToken },
      );
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].message).toContain(name);
    }

    // Rules beyond the scalars come from class-validator and list each field.
    const checked = await server.gql(
      CREATE,
      {
        input: {
          merchantId: tenant.merchantId,
          loyaltyType: 'HYBRID',
          stampsTarget: 5000,
          cardSecondaryColor: '#11223344',
          privacyUrl: 'javascript:alert(1)',
          pointsRewards: [
            { id: 'same', name: 'One', pointsRequired: 10 },
            { id: 'same', name: 'Two', pointsRequired: 20 },
          ],
        },
      },
      { token: tenant.ownerToken },
    );
    expect(checked.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const errors: Array<{ property: string; children?: unknown[] }> = checked.errors?.[0].extensions.validationErrors;
    const reported = JSON.stringify(errors);
    for (const field of ['stampsTarget', 'cardSecondaryColor', 'privacyUrl', 'pointsRewards']) {
      expect(reported).toContain(field);
    }
    expect(reported).toContain('unique');

    const [{ n }] = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM loyalty_programs WHERE merchant_id = $1`,
      [dbId(tenant.merchantId)],
    );
    expect(n).toBe(0);
  });
});

describe('updateLoyaltyProgram', () => {
  it('changes the given fields, clears nullable ones on null and leaves the rest', async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, ...FULL_INPUT });
    const data = await server.ok(
      UPDATE,
      {
        input: {
          id: program.id,
          loyaltyType: 'POINTS',
          pointsPerEuro: 5,
          cardName: null,
          logoUrl: null,
          pointsExpirationDays: null,
          stampsTarget: null, // required: null leaves it
          pointsRewards: [{ id: 'bag', name: 'Tote bag', pointsRequired: 500 }],
        },
      },
      { token: tenant.ownerToken },
    );
    expect(data.updateLoyaltyProgram.userErrors).toEqual([]);
    expect(data.updateLoyaltyProgram.program).toEqual({
      ...program,
      loyaltyType: 'POINTS',
      pointsPerEuro: 5,
      cardName: null,
      logoUrl: null,
      pointsExpirationDays: null,
      pointsRewards: [{ id: 'bag', name: 'Tote bag', pointsRequired: 500, description: null }],
      isStampsEnabled: false,
      displayName: 'Loyalty Card',
    });
  });

  it('lets ADMIN update any program; not found outside the scope', async () => {
    const [tenant, other] = await Promise.all([createTenant(server), createTenant(server)]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const byAdmin = await server.ok(UPDATE, { input: { id: program.id, welcomeBonusPoints: 25 } }, { token: admin });
    expect(byAdmin.updateLoyaltyProgram.program.welcomeBonusPoints).toBe(25);

    const byOther = await server.ok(
      UPDATE,
      { input: { id: program.id, welcomeBonusPoints: 99 } },
      { token: other.ownerToken },
    );
    expect(byOther.updateLoyaltyProgram).toEqual({
      program: null,
      userErrors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['id'] }],
    });
    const malformed = await server.ok(
      UPDATE,
      { input: { id: 'not-an-id', welcomeBonusPoints: 1 } },
      { token: tenant.ownerToken },
    );
    expect(malformed.updateLoyaltyProgram.userErrors[0].code).toBe('NOT_FOUND');
  });
});

describe('tenant isolation', () => {
  it('hides a program and its cards from another merchant and refuses its writes as NOT_FOUND', async () => {
    const [tenant, other] = await Promise.all([createTenant(server), createTenant(server)]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'STAMPS' });
    const card = await insertCard(tenant, program.id);
    const token = other.ownerToken;

    expect((await server.ok(PROGRAM, { id: program.id }, { token })).loyaltyProgram).toBeNull();
    expect((await server.ok(NODE, { id: program.id }, { token })).node).toBeNull();
    expect((await server.ok(NODE, { id: card.id }, { token })).node).toBeNull();
    expect((await server.ok(CARD, { cardNumber: card.cardNumber }, { token })).loyaltyCard).toBeNull();
    expect((await server.ok(CARD, { qrCodeData: card.qrCodeData }, { token })).loyaltyCard).toBeNull();
    expect((await server.ok(PROGRAM, { id: program.id })).loyaltyProgram).toBeNull();
    expect((await server.ok(CARD, { cardNumber: card.cardNumber })).loyaltyCard).toBeNull();

    const create = await server.ok(
      CREATE,
      { input: { merchantId: tenant.merchantId, loyaltyType: 'POINTS' } },
      { token },
    );
    expect(create.createLoyaltyProgram.userErrors).toEqual([
      { code: 'NOT_FOUND', message: expect.any(String), field: ['merchantId'] },
    ]);
    const del = await server.ok(DELETE, { input: { id: program.id } }, { token });
    expect(del.deleteLoyaltyProgram.userErrors).toEqual([
      { code: 'NOT_FOUND', message: expect.any(String), field: ['id'] },
    ]);
    const pin = await server.ok(
      CREATE_PIN,
      { input: { programId: program.id, staffName: 'Eve', pin: '1234' } },
      { token },
    );
    expect(pin.createStaffPin.userErrors).toEqual([
      { code: 'NOT_FOUND', message: expect.any(String), field: ['programId'] },
    ]);
    expect((await server.ok(PROGRAM, { id: program.id }, { token: tenant.ownerToken })).loyaltyProgram).not.toBeNull();
  });

  it("lets the merchant's team read the program and cards, but not manage it or see its PINs", async () => {
    const tenant = await createTenant(server, { stores: 2, platform: 'loyalty' });
    const member = await addTeamMember(server, tenant.ownerToken, tenant.storeIds[1]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const card = await insertCard(tenant, program.id);
    const pin = await server.ok(
      CREATE_PIN,
      { input: { programId: program.id, staffName: 'Ann', pin: '4321' } },
      { token: tenant.ownerToken },
    );
    const pinId = pin.createStaffPin.staffPin.id;
    const token = member.token;

    expect((await server.ok(PROGRAM, { id: program.id }, { token })).loyaltyProgram.id).toBe(program.id);
    expect((await server.ok(CARD, { cardNumber: card.cardNumber }, { token })).loyaltyCard.id).toBe(card.id);
    expect((await server.ok(NODE, { id: card.id }, { token })).node).toEqual({ id: card.id });
    expect((await server.ok(NODE, { id: pinId }, { token })).node).toBeNull();
    expect((await server.ok(NODE, { id: pinId }, { token: tenant.ownerToken })).node).toEqual({ id: pinId });

    const pins = await server.gql(STAFF_PINS, { id: program.id }, { token });
    expect(pins.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const update = await server.ok(UPDATE, { input: { id: program.id, pointsPerEuro: 9 } }, { token });
    expect(update.updateLoyaltyProgram.userErrors[0].code).toBe('NOT_FOUND');
    const created = await server.ok(
      CREATE_PIN,
      { input: { programId: program.id, staffName: 'Me', pin: '9999' } },
      { token },
    );
    expect(created.createStaffPin.userErrors[0].code).toBe('NOT_FOUND');
  });
});

describe('deleteLoyaltyProgram', () => {
  it('soft-deletes the program with its cards, hides them everywhere and frees the merchant for a new one', async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'STAMPS' });
    const cards = [await insertCard(tenant, program.id), await insertCard(tenant, program.id)];
    const data = await server.ok(DELETE, { input: { id: program.id } }, { token: tenant.ownerToken });
    expect(data.deleteLoyaltyProgram.userErrors).toEqual([]);
    expect(data.deleteLoyaltyProgram.deletedId).toBe(program.id);
    expect([...data.deleteLoyaltyProgram.cascadedIds].sort()).toEqual(cards.map((c) => c.id).sort());

    const rows: Array<{ deleted_at: string; deleted_by_id: number | null }> = await server.dataSource.query(
      `SELECT deleted_at::text, deleted_by_id FROM loyalty_programs WHERE id = $1
       UNION ALL SELECT deleted_at::text, deleted_by_id FROM loyalty_cards WHERE program_id = $1`,
      [dbId(program.id)],
    );
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.deleted_at)).size).toBe(1);
    expect(rows.every((r) => r.deleted_at !== null && r.deleted_by_id !== null)).toBe(true);

    const token = tenant.ownerToken;
    expect((await server.ok(PROGRAM, { id: program.id }, { token })).loyaltyProgram).toBeNull();
    expect(
      (await server.ok(MERCHANT_PROGRAM, { id: tenant.merchantId }, { token })).merchant.loyaltyProgram,
    ).toBeNull();
    expect((await server.ok(NODE, { id: program.id }, { token })).node).toBeNull();
    for (const card of cards) {
      expect((await server.ok(NODE, { id: card.id }, { token })).node).toBeNull();
      expect((await server.ok(CARD, { cardNumber: card.cardNumber }, { token })).loyaltyCard).toBeNull();
      const customer = await server.ok(
        `query($id: ID!) { node(id: $id) { ... on Customer { loyaltyCards { id } } } }`,
        { id: card.customerId },
        { token },
      );
      expect(customer.node.loyaltyCards).toEqual([]);
    }
    const again = await server.ok(DELETE, { input: { id: program.id } }, { token });
    expect(again.deleteLoyaltyProgram.userErrors[0].code).toBe('NOT_FOUND');

    const next = await createProgram(token, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    expect(next.id).not.toBe(program.id);
    expect((await server.ok(MERCHANT_PROGRAM, { id: tenant.merchantId }, { token })).merchant.loyaltyProgram).toEqual({
      id: next.id,
    });
  });
});

describe('createStaffPin', () => {
  it('stores a keyed hash of the PIN, valid at one store or at all of them', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'STAMPS' });
    const atStore = await server.ok(
      CREATE_PIN,
      { input: { programId: program.id, storeId: tenant.storeIds[1], staffName: 'Ann', pin: '123456' } },
      { token: tenant.ownerToken },
    );
    expect(atStore.createStaffPin).toEqual({
      userErrors: [],
      staffPin: {
        id: expect.any(String),
        staffName: 'Ann',
        isActive: true,
        store: { id: tenant.storeIds[1] },
        program: { id: program.id },
      },
    });
    const everywhere = await server.ok(
      CREATE_PIN,
      { input: { programId: program.id, staffName: 'Bob', pin: '2468' } },
      { token: admin },
    );
    expect(everywhere.createStaffPin.staffPin).toMatchObject({ staffName: 'Bob', store: null });

    const [row] = await server.dataSource.query(`SELECT pin_hash FROM staff_pins WHERE id = $1`, [
      dbId(atStore.createStaffPin.staffPin.id),
    ]);
    expect(row.pin_hash).toBe(hashPin(server.config, dbId(program.id), '123456'));
    expect(row.pin_hash).not.toContain('123456');

    const list = await server.ok(STAFF_PINS, { id: program.id }, { token: tenant.ownerToken });
    expect(list.loyaltyProgram.staffPins).toEqual([
      { id: atStore.createStaffPin.staffPin.id, staffName: 'Ann', isActive: true, store: { id: tenant.storeIds[1] } },
      { id: everywhere.createStaffPin.staffPin.id, staffName: 'Bob', isActive: true, store: null },
    ]);

    const off = await server.ok(
      DEACTIVATE_PIN,
      { input: { id: everywhere.createStaffPin.staffPin.id } },
      { token: tenant.ownerToken },
    );
    expect(off.deactivateStaffPin).toEqual({
      userErrors: [],
      staffPin: { id: everywhere.createStaffPin.staffPin.id, isActive: false },
    });
  });

  it('refuses a PIN already used in the program, but not one used by another program', async () => {
    const [tenant, other] = await Promise.all([createTenant(server), createTenant(server)]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const otherProgram = await createProgram(other.ownerToken, { merchantId: other.merchantId, loyaltyType: 'POINTS' });
    const make = (programId: string, staffName: string, token: string) =>
      server.ok(CREATE_PIN, { input: { programId, staffName, pin: '7777' } }, { token });

    expect((await make(program.id, 'Ann', tenant.ownerToken)).createStaffPin.userErrors).toEqual([]);
    expect((await make(program.id, 'Bob', tenant.ownerToken)).createStaffPin).toEqual({
      staffPin: null,
      userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['pin'] }],
    });
    expect((await make(otherProgram.id, 'Cid', other.ownerToken)).createStaffPin.userErrors).toEqual([]);

    // Concurrent creations of one PIN: the unique index lets exactly one win.
    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        server.ok(
          CREATE_PIN,
          { input: { programId: program.id, staffName: `Racer ${i}`, pin: '5555' } },
          { token: tenant.ownerToken },
        ),
      ),
    );
    expect(racing.filter((r) => r.createStaffPin.staffPin)).toHaveLength(1);
    for (const r of racing.filter((r) => !r.createStaffPin.staffPin)) {
      expect(r.createStaffPin.userErrors).toEqual([
        { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['pin'] },
      ]);
    }
  });

  it("refuses a store that is not a live store of the program's merchant as NOT_FOUND", async () => {
    const [tenant, other] = await Promise.all([createTenant(server), createTenant(server)]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const gone = await createStore(server, tenant.ownerToken, tenant.merchantId);
    await server.ok(
      `mutation($input: IdInput!) { deleteStore(input: $input) { deletedId } }`,
      { input: { id: gone.id } },
      { token: tenant.ownerToken },
    );
    for (const storeId of [other.storeId, gone.id, program.id]) {
      const data = await server.ok(
        CREATE_PIN,
        { input: { programId: program.id, storeId, staffName: 'Ann', pin: '1111' } },
        { token: admin },
      );
      expect(data.createStaffPin).toEqual({
        staffPin: null,
        userErrors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['storeId'] }],
      });
    }
  });

  it('answers a PIN that is not 4 to 8 digits with BAD_USER_INPUT', async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    for (const pin of ['123', '123456789', '12a4', ' 1234', '']) {
      const result = await server.gql(
        CREATE_PIN,
        { input: { programId: program.id, staffName: 'Ann', pin } },
        { token: tenant.ownerToken },
      );
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions.validationErrors[0].property).toBe('pin');
    }
    const [{ n }] = await server.dataSource.query(`SELECT count(*)::int AS n FROM staff_pins WHERE program_id = $1`, [
      dbId(program.id),
    ]);
    expect(n).toBe(0);
  });
});

describe('program reads', () => {
  it("sums the live cards' counters into the stats", async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'HYBRID' });
    const empty = await server.ok(STATS, { id: program.id }, { token: tenant.ownerToken });
    expect(empty.loyaltyProgram.stats).toEqual({
      members: 0,
      activeCards30d: 0,
      stampsIssued: 0,
      stampsRedeemed: 0,
      pointsIssued: 0,
      pointsRedeemed: 0,
      pointsVoided: 0,
    });
    const day = 86_400_000;
    await insertCard(tenant, program.id, {
      totalStampsEarned: 12,
      stampsRedeemed: 1,
      totalPointsEarned: 300,
      pointsRedeemed: 100,
      totalPointsVoided: 20,
      lastActivityAt: new Date(Date.now() - 2 * day),
    });
    await insertCard(tenant, program.id, {
      totalStampsEarned: 5,
      totalPointsEarned: 40,
      lastActivityAt: new Date(Date.now() - 45 * day),
    });
    await insertCard(tenant, program.id, { totalPointsEarned: 10 });
    const deleted = await insertCard(tenant, program.id, { totalStampsEarned: 1000, lastActivityAt: new Date() });
    await server.dataSource.query(`UPDATE loyalty_cards SET deleted_at = now() WHERE id = $1`, [dbId(deleted.id)]);

    const data = await server.ok(STATS, { id: program.id }, { token: tenant.ownerToken });
    expect(data.loyaltyProgram.stats).toEqual({
      members: 3,
      activeCards30d: 1,
      stampsIssued: 17,
      stampsRedeemed: 1,
      pointsIssued: 350,
      pointsRedeemed: 100,
      pointsVoided: 20,
    });
  });

  it('pages the cards and finds them by card number or by customer email in any case', async () => {
    const [tenant, other] = await Promise.all([createTenant(server), createTenant(server)]);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const otherProgram = await createProgram(other.ownerToken, { merchantId: other.merchantId, loyaltyType: 'POINTS' });
    const cards: CardRow[] = [];
    for (let i = 0; i < 5; i++) cards.push(await insertCard(tenant, program.id));
    const foreign = await insertCard(other, otherProgram.id);
    const token = tenant.ownerToken;

    const first = await server.ok(CARDS, { id: program.id, first: 2 }, { token });
    const page1 = first.loyaltyProgram.cards;
    expect(page1.edges.map((e: any) => e.node.id)).toEqual([cards[0].id, cards[1].id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBe(5);
    const second = await server.ok(CARDS, { id: program.id, first: 10, after: page1.pageInfo.endCursor }, { token });
    expect(second.loyaltyProgram.cards.edges.map((e: any) => e.node.id)).toEqual(cards.slice(2).map((c) => c.id));
    expect(second.loyaltyProgram.cards.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });

    const search = async (text: string) =>
      (await server.ok(CARDS, { id: program.id, search: text }, { token })).loyaltyProgram.cards;
    const byNumber = await search(cards[3].cardNumber);
    expect(byNumber.edges.map((e: any) => e.node)).toEqual([{ id: cards[3].id, cardNumber: cards[3].cardNumber }]);
    expect(byNumber.totalCount).toBe(1);
    expect((await search(cards[2].email.toUpperCase())).edges.map((e: any) => e.node.id)).toEqual([cards[2].id]);
    expect((await search(`  ${cards[4].email}  `)).edges.map((e: any) => e.node.id)).toEqual([cards[4].id]);
    expect((await search(foreign.cardNumber)).edges).toEqual([]);
    expect((await search(foreign.email)).edges).toEqual([]);
    expect((await search(cards[1].cardNumber.slice(0, 9))).edges).toEqual([]);
    expect((await search('')).totalCount).toBe(5);

    const badCursor = await server.gql(CARDS, { id: program.id, after: 'nope' }, { token });
    expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('finds a card by number or QR data, with its relations, and needs exactly one of the two', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    const program = await createProgram(tenant.ownerToken, {
      merchantId: tenant.merchantId,
      loyaltyType: 'STAMPS',
      stampsTarget: 10,
    });
    const card = await insertCard(tenant, program.id, { storeId: tenant.storeIds[1], stampCount: 3 });
    const full = await insertCard(tenant, program.id, { stampCount: 12 });
    const token = tenant.ownerToken;

    const expected = {
      id: card.id,
      cardNumber: card.cardNumber,
      qrCodeData: card.qrCodeData,
      stampCount: 3,
      pointsBalance: 0,
      stampsUntilReward: 7,
      googleWalletSaveUrl: null,
      program: { id: program.id },
      merchant: { id: tenant.merchantId },
      customer: { id: card.customerId, email: card.email },
      enrolledAtStore: { id: tenant.storeIds[1] },
    };
    expect((await server.ok(CARD, { cardNumber: card.cardNumber }, { token })).loyaltyCard).toEqual(expected);
    expect((await server.ok(CARD, { qrCodeData: card.qrCodeData }, { token })).loyaltyCard).toEqual(expected);
    expect((await server.ok(CARD, { qrCodeData: full.qrCodeData }, { token })).loyaltyCard.stampsUntilReward).toBe(0);
    expect((await server.ok(CARD, { cardNumber: '0000-0000-0000' }, { token })).loyaltyCard).toBeNull();

    for (const args of [{}, { cardNumber: card.cardNumber, qrCodeData: card.qrCodeData }, { cardNumber: '' }]) {
      const result = await server.gql(CARD, args, { token });
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }

    await server.ok(UPDATE, { input: { id: program.id, loyaltyType: 'POINTS' } }, { token });
    expect(
      (await server.ok(CARD, { cardNumber: card.cardNumber }, { token })).loyaltyCard.stampsUntilReward,
    ).toBeNull();

    const customer = await server.ok(
      `query($id: ID!) { node(id: $id) { ... on Customer { loyaltyCards { id program { id } } } } }`,
      { id: card.customerId },
      { token },
    );
    expect(customer.node.loyaltyCards).toEqual([{ id: card.id, program: { id: program.id } }]);
  });

  it("pages a card's ledger with its store and related transaction", async () => {
    const tenant = await createTenant(server);
    const program = await createProgram(tenant.ownerToken, { merchantId: tenant.merchantId, loyaltyType: 'POINTS' });
    const card = await insertCard(tenant, program.id, { pointsBalance: 70, totalPointsEarned: 100 });
    const insert = async (values: unknown[]) =>
      (
        await server.dataSource.query(
          `INSERT INTO loyalty_transactions (card_id, type, points_delta, stamps_after, points_after, store_id,
              related_transaction_id, reason)
           VALUES ($1, $2, $3, 0, $4, $5, $6, $7) RETURNING id`,
          [dbId(card.id), ...values],
        )
      )[0].id as number;
    const earned = await insert(['POINTS_EARNED', 100, 100, dbId(tenant.storeId), null, null]);
    const voided = await insert(['POINTS_VOIDED', -30, 70, null, earned, 'Return']);

    const TRANSACTIONS = `query($n: String!, $first: Int, $after: String) { loyaltyCard(cardNumber: $n) {
      transactions(first: $first, after: $after) {
        edges { node { id type pointsDelta pointsAfter reason store { id } card { id }
          relatedTransaction { id type } } }
        pageInfo { hasNextPage endCursor } totalCount } } }`;
    const first = await server.ok(TRANSACTIONS, { n: card.cardNumber, first: 1 }, { token: tenant.ownerToken });
    const page = first.loyaltyCard.transactions;
    expect(page.totalCount).toBe(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.map((e: any) => e.node)).toEqual([
      {
        id: globalId('LoyaltyTransaction', earned),
        type: 'POINTS_EARNED',
        pointsDelta: 100,
        pointsAfter: 100,
        reason: null,
        store: { id: tenant.storeId },
        card: { id: card.id },
        relatedTransaction: null,
      },
    ]);
    const next = await server.ok(
      TRANSACTIONS,
      { n: card.cardNumber, first: 5, after: page.pageInfo.endCursor },
      { token: tenant.ownerToken },
    );
    expect(next.loyaltyCard.transactions.edges.map((e: any) => e.node)).toEqual([
      {
        id: globalId('LoyaltyTransaction', voided),
        type: 'POINTS_VOIDED',
        pointsDelta: -30,
        pointsAfter: 70,
        reason: 'Return',
        store: null,
        card: { id: card.id },
        relatedTransaction: { id: globalId('LoyaltyTransaction', earned), type: 'POINTS_EARNED' },
      },
    ]);
    const other = await createTenant(server);
    const node = await server.ok(NODE, { id: globalId('LoyaltyTransaction', earned) }, { token: other.ownerToken });
    expect(node.node).toBeNull();
    const own = await server.ok(NODE, { id: globalId('LoyaltyTransaction', earned) }, { token: tenant.ownerToken });
    expect(own.node).toEqual({ id: globalId('LoyaltyTransaction', earned) });
  });
});
