import { idOf } from '../../src/common/global-id';
import { createLoyaltyTenant, enroll, type LoyaltyTenant, newKey } from '../factories/loyalty';
import { addTeamMember, adminToken, createTenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

// The clock moves here by minutes only: other files share the database and the maintenance jobs.
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start({ TEST_CLOCK: '1' });
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const STAMP = `mutation($input: AddStampInput!) { addStamp(input: $input) {
  card { stampCount totalStampsEarned } transaction { id type stampsDelta stampsAfter staffName } rewardAvailable stampsUntilReward
  userErrors { code message field } } }`;
const REDEEM_STAMPS = `mutation($input: RedeemStampRewardInput!) { redeemStampReward(input: $input) {
  card { stampCount stampsRedeemed } transaction { type stampsDelta } rewardAvailable stampsUntilReward userErrors { code } } }`;
const EARN = `mutation($input: EarnPointsInput!) { earnPoints(input: $input) {
  card { pointsBalance totalPointsEarned } transaction { id type pointsDelta pointsAfter purchaseAmountCents orderReference } pointsEarned
  userErrors { code message field } } }`;
const REDEEM_POINTS = `mutation($input: RedeemPointsRewardInput!) { redeemPointsReward(input: $input) {
  card { pointsBalance pointsRedeemed } transaction { id type pointsDelta rewardId } reward { id name pointsRequired } userErrors { code } } }`;
const VOID = `mutation($input: VoidPointsInput!) { voidPoints(input: $input) {
  card { pointsBalance totalPointsVoided } transaction { type pointsDelta pointsAfter reason relatedTransaction { id } } userErrors { code field } } }`;
const ADVANCE = `mutation($s: PositiveInt!) { advanceTestClock(input: { seconds: $s }) { now } }`;

async function run(query: string, input: Record<string, unknown>, token: string) {
  const data = await server.ok(query, { input }, { token });
  return Object.values(data)[0] as Record<string, any>;
}

/** Cards of the tenant whose balances differ from their ledger sums (must be none). */
async function ledgerMismatches(tenant: LoyaltyTenant) {
  return server.dataSource.query(
    `SELECT c.card_number, c.points_balance, c.stamp_count, t.points, t.stamps FROM loyalty_cards c
       JOIN merchants m ON m.id = c.merchant_id AND m.contact_email = $1
       LEFT JOIN (SELECT card_id, sum(points_delta) AS points, sum(stamps_delta) AS stamps FROM loyalty_transactions GROUP BY card_id) t
         ON t.card_id = c.id
      WHERE c.points_balance <> coalesce(t.points, 0) OR c.stamp_count <> coalesce(t.stamps, 0)`,
    [tenant.ownerEmail],
  );
}

describe('enrollCustomer', () => {
  it('issues a card with a CSPRNG number, the welcome bonus, and one card per customer', async () => {
    const tenant = await createLoyaltyTenant(server, { welcomeBonusPoints: 50 });
    const first = await enroll(server, tenant);
    expect(first.card.cardNumber).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    expect(first.card.qrCodeData.length).toBeGreaterThanOrEqual(32);
    expect(first.card).toMatchObject({ pointsBalance: 50, stampCount: 0 });
    expect(first.transaction).toMatchObject({ type: 'WELCOME_BONUS', pointsDelta: 50 });

    const ENROLL = `mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) { card { id } transaction { id } userErrors { code } } }`;
    const again = await run(
      ENROLL,
      { programId: tenant.programId, storeId: tenant.storeId, customerId: first.customer.id },
      tenant.ownerToken,
    );
    expect(again).toEqual({ card: null, transaction: null, userErrors: [{ code: 'ALREADY_ENROLLED' }] });

    const key = newKey();
    const input = {
      programId: tenant.programId,
      storeId: tenant.storeId,
      customer: { email: 'Twice@Example.lu' },
      idempotencyKey: key,
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => run(ENROLL, input, tenant.ownerToken)));
    expect(new Set(results.map((r) => r.card?.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.transaction?.id)).size).toBe(1);
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
  });

  it('needs the store on the loyalty platform', async () => {
    const tenant = await createLoyaltyTenant(server);
    const other = await createTenant(server, { platform: 'oms' });
    const ENROLL = `mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) { userErrors { code } } }`;
    const foreign = await run(
      ENROLL,
      { programId: tenant.programId, storeId: other.storeId, customer: { email: 'x@example.lu' } },
      other.ownerToken,
    );
    expect(foreign.userErrors).toEqual([{ code: 'NOT_ON_PLATFORM' }]);
  });
});

describe('stamps', () => {
  it('counts stamps toward the reward and redeems it', async () => {
    const tenant = await createLoyaltyTenant(server, { stampsTarget: 2 });
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeId, card: { cardNumber: card.cardNumber } };
    const one = await run(STAMP, ref, tenant.ownerToken);
    expect(one).toMatchObject({
      card: { stampCount: 1 },
      rewardAvailable: false,
      stampsUntilReward: 1,
      transaction: { type: 'STAMP_EARNED', stampsAfter: 1 },
    });
    const two = await run(STAMP, { ...ref, card: { qrCodeData: card.qrCodeData } }, tenant.ownerToken);
    expect(two).toMatchObject({ card: { stampCount: 2 }, rewardAvailable: true, stampsUntilReward: 0 });
    const redeemed = await run(REDEEM_STAMPS, { ...ref, card: { id: card.id } }, tenant.ownerToken);
    expect(redeemed).toMatchObject({
      card: { stampCount: 0, stampsRedeemed: 1 },
      transaction: { type: 'STAMP_REWARD_REDEEMED', stampsDelta: -2 },
      stampsUntilReward: 2,
    });
    expect((await run(REDEEM_STAMPS, ref, tenant.ownerToken)).userErrors).toEqual([{ code: 'INSUFFICIENT_STAMPS' }]);
  });

  it('enforces the cooldown on the service clock', async () => {
    const tenant = await createLoyaltyTenant(server, { cooldownMinutes: 15 });
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeId, card: { id: card.id } };
    expect((await run(STAMP, ref, tenant.ownerToken)).userErrors).toEqual([]);
    const early = await run(STAMP, ref, tenant.ownerToken);
    expect(early.userErrors).toEqual([
      { code: 'COOLDOWN_ACTIVE', message: 'Wait 15 more minute(s) before the next stamp', field: ['card'] },
    ]);
    await server.ok(ADVANCE, { s: 16 * 60 }, { token: admin });
    expect((await run(STAMP, ref, tenant.ownerToken)).card.stampCount).toBe(2);
  });

  it('never passes the daily cap or the cooldown under concurrent stamps', async () => {
    const capped = await createLoyaltyTenant(server, { maxDailyStamps: 3 });
    const cooled = await createLoyaltyTenant(server, { cooldownMinutes: 30 });
    const [a, b] = await Promise.all([enroll(server, capped), enroll(server, cooled)]);
    const [capResults, coolResults] = await Promise.all([
      Promise.all(
        Array.from({ length: 10 }, () =>
          run(STAMP, { storeId: capped.storeId, card: { id: a.card.id } }, capped.ownerToken),
        ),
      ),
      Promise.all(
        Array.from({ length: 10 }, () =>
          run(STAMP, { storeId: cooled.storeId, card: { id: b.card.id } }, cooled.ownerToken),
        ),
      ),
    ]);
    expect(capResults.filter((r) => r.card)).toHaveLength(3);
    expect(new Set(capResults.filter((r) => !r.card).map((r) => r.userErrors[0].code))).toEqual(
      new Set(['DAILY_STAMP_LIMIT_REACHED']),
    );
    expect(coolResults.filter((r) => r.card)).toHaveLength(1);
    expect(new Set(coolResults.filter((r) => !r.card).map((r) => r.userErrors[0].code))).toEqual(
      new Set(['COOLDOWN_ACTIVE']),
    );
  });

  it('gives one stamp for 10 concurrent requests with one idempotency key, each answering the first result', async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const input = { storeId: tenant.storeId, card: { id: card.id }, idempotencyKey: newKey() };
    const results = await Promise.all(Array.from({ length: 10 }, () => run(STAMP, input, tenant.ownerToken)));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(new Set(results.map((r) => r.transaction.id)).size).toBe(1);
    const [row] = await server.dataSource.query(`SELECT stamp_count FROM loyalty_cards WHERE card_number = $1`, [
      card.cardNumber,
    ]);
    expect(row.stamp_count).toBe(1);
  });
});

describe('points', () => {
  it('earns whole euros × rate from the minimum purchase, and redeems catalogue rewards', async () => {
    const tenant = await createLoyaltyTenant(server, { pointsPerEuro: 10, minimumPurchaseCents: 500 });
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeId, card: { id: card.id } };
    const below = await run(EARN, { ...ref, purchaseAmountCents: 499 }, tenant.ownerToken);
    expect(below.userErrors).toEqual([
      { code: 'BELOW_MINIMUM_PURCHASE', message: expect.any(String), field: ['purchaseAmountCents'] },
    ]);
    const earned = await run(EARN, { ...ref, purchaseAmountCents: 1299, orderReference: 'R-1' }, tenant.ownerToken);
    expect(earned).toMatchObject({
      pointsEarned: 120,
      card: { pointsBalance: 120, totalPointsEarned: 120 },
      transaction: { type: 'POINTS_EARNED', pointsAfter: 120, purchaseAmountCents: 1299, orderReference: 'R-1' },
    });

    expect((await run(REDEEM_POINTS, { ...ref, rewardId: 'spaceship' }, tenant.ownerToken)).userErrors).toEqual([
      { code: 'UNKNOWN_REWARD' },
    ]);
    expect((await run(REDEEM_POINTS, { ...ref, rewardId: 'cake' }, tenant.ownerToken)).userErrors).toEqual([
      { code: 'INSUFFICIENT_POINTS' },
    ]);
    const coffee = await run(REDEEM_POINTS, { ...ref, rewardId: 'coffee' }, tenant.ownerToken);
    expect(coffee).toMatchObject({
      card: { pointsBalance: 20, pointsRedeemed: 100 },
      reward: { id: 'coffee', name: 'Coffee', pointsRequired: 100 },
      transaction: { type: 'POINTS_REDEEMED', pointsDelta: -100, rewardId: 'coffee' },
    });
    expect((await run(REDEEM_POINTS, { ...ref, rewardId: 'coffee' }, tenant.ownerToken)).userErrors).toEqual([
      { code: 'BELOW_MINIMUM_REDEMPTION' },
    ]);
  });

  it('lets exactly 5 of 20 concurrent redemptions of 100 through on a 500-point card', async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeId, card: { id: card.id } };
    await run(EARN, { ...ref, purchaseAmountCents: 50_000 }, tenant.ownerToken);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => run(REDEEM_POINTS, { ...ref, rewardId: 'coffee' }, tenant.ownerToken)),
    );
    expect(results.filter((r) => r.card)).toHaveLength(5);
    const [row] = await server.dataSource.query(
      `SELECT points_balance, points_redeemed FROM loyalty_cards WHERE card_number = $1`,
      [card.cardNumber],
    );
    expect(row).toEqual({ points_balance: 0, points_redeemed: 500 });
    expect(await ledgerMismatches(tenant)).toEqual([]);
  });

  it('voids by points (clamped at zero) and reverses an earning once', async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeId, card: { id: card.id } };
    const earned = await run(EARN, { ...ref, purchaseAmountCents: 4000 }, tenant.ownerToken);
    const clamped = await run(VOID, { ...ref, points: 30, reason: 'Return' }, tenant.ownerToken);
    expect(clamped).toMatchObject({
      card: { pointsBalance: 10, totalPointsVoided: 30 },
      transaction: { type: 'POINTS_VOIDED', pointsDelta: -30, pointsAfter: 10 },
    });
    const reversed = await run(
      VOID,
      { ...ref, transactionId: earned.transaction.id, reason: 'Order refunded' },
      tenant.ownerToken,
    );
    expect(reversed).toMatchObject({
      card: { pointsBalance: 0, totalPointsVoided: 40 },
      transaction: { pointsDelta: -10, relatedTransaction: { id: earned.transaction.id } },
    });
    const twice = await run(VOID, { ...ref, transactionId: earned.transaction.id, reason: 'Again' }, tenant.ownerToken);
    expect(twice.userErrors).toEqual([{ code: 'INVALID_STATE', field: ['transactionId'] }]);
    const both = await server.gql(
      VOID,
      { input: { ...ref, points: 1, transactionId: earned.transaction.id, reason: 'x' } },
      { token: tenant.ownerToken },
    );
    expect(both.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await ledgerMismatches(tenant)).toEqual([]);
  });
});

describe('staff PINs', () => {
  it('requires a valid PIN at the store, names the staff member, and locks the store after 5 wrong PINs', async () => {
    const tenant = await createLoyaltyTenant(server, { requireStaffPin: true }, { stores: 2 });
    const PIN = `mutation($input: CreateStaffPinInput!) { createStaffPin(input: $input) { staffPin { id } userErrors { code } } }`;
    await run(
      PIN,
      { programId: tenant.programId, storeId: tenant.storeIds[0], staffName: 'Marie', pin: '4821' },
      tenant.ownerToken,
    );
    await run(
      PIN,
      { programId: tenant.programId, storeId: tenant.storeIds[1], staffName: 'Paul', pin: '9911' },
      tenant.ownerToken,
    );
    const { card } = await enroll(server, tenant);
    const ref = { storeId: tenant.storeIds[0], card: { id: card.id } };
    expect((await run(STAMP, ref, tenant.ownerToken)).userErrors[0].code).toBe('STAFF_PIN_REQUIRED');
    expect((await run(STAMP, { ...ref, staffPin: '9911' }, tenant.ownerToken)).userErrors[0].code).toBe(
      'INVALID_STAFF_PIN',
    );
    const ok = await run(STAMP, { ...ref, staffPin: '4821' }, tenant.ownerToken);
    expect(ok.transaction.staffName).toBe('Marie');

    for (let i = 0; i < 5; i++) {
      expect((await run(STAMP, { ...ref, staffPin: '0000' }, tenant.ownerToken)).userErrors[0].code).toBe(
        'INVALID_STAFF_PIN',
      );
    }
    expect((await run(STAMP, { ...ref, staffPin: '4821' }, tenant.ownerToken)).userErrors[0].code).toBe(
      'STAFF_PIN_LOCKED',
    );
    // The other store is not locked.
    const other = await run(
      STAMP,
      { storeId: tenant.storeIds[1], card: { id: card.id }, staffPin: '9911' },
      tenant.ownerToken,
    );
    expect(other.transaction.staffName).toBe('Paul');
    await server.ok(ADVANCE, { s: 16 * 60 }, { token: admin });
    expect((await run(STAMP, { ...ref, staffPin: '4821' }, tenant.ownerToken)).userErrors).toEqual([]);
  });
});

describe('refusals and isolation', () => {
  it('refuses an inactive program or card, and another merchant’s card', async () => {
    const tenant = await createLoyaltyTenant(server);
    const other = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const staff = await addTeamMember(server, other.ownerToken, other.storeId);
    const foreign = await run(STAMP, { storeId: other.storeId, card: { cardNumber: card.cardNumber } }, staff.token);
    expect(foreign.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Card not found', field: ['card'] }]);

    await server.dataSource.query(`UPDATE loyalty_cards SET is_active = false WHERE card_number = $1`, [
      card.cardNumber,
    ]);
    expect(
      (await run(STAMP, { storeId: tenant.storeId, card: { id: card.id } }, tenant.ownerToken)).userErrors[0].code,
    ).toBe('CARD_INACTIVE');
    await server.dataSource.query(
      `UPDATE loyalty_programs SET is_active = false WHERE merchant_id = (SELECT merchant_id FROM loyalty_cards WHERE card_number = $1)`,
      [card.cardNumber],
    );
    expect(
      (await run(STAMP, { storeId: tenant.storeId, card: { id: card.id } }, tenant.ownerToken)).userErrors[0].code,
    ).toBe('PROGRAM_INACTIVE');
  });

  it("serves no card of a program that is no longer the merchant's live one", async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    // A live card left on a deleted program (e.g. enrolled while its program was deleted), and a new program.
    await server.dataSource.query(`UPDATE loyalty_programs SET deleted_at = now() WHERE id = $1`, [
      idOf('LoyaltyProgram', tenant.programId),
    ]);
    const created = await server.ok(
      `mutation($input: CreateLoyaltyProgramInput!) { createLoyaltyProgram(input: $input) { userErrors { code } } }`,
      {
        input: {
          merchantId: tenant.merchantId,
          loyaltyType: 'STAMPS',
          requireStaffPin: false,
          cooldownMinutes: 0,
          maxDailyStamps: 100,
          stampsTarget: 1,
        },
      },
      { token: tenant.ownerToken },
    );
    expect(created.createLoyaltyProgram.userErrors).toEqual([]);
    const stamped = await run(STAMP, { storeId: tenant.storeId, card: { id: card.id } }, tenant.ownerToken);
    expect(stamped.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Card not found', field: ['card'] }]);
  });
});

describe('a randomized concurrent mix', () => {
  it('ends with every balance equal to its ledger sum', async () => {
    const tenant = await createLoyaltyTenant(server, { minimumRedemptionPoints: 0 });
    const cards = await Promise.all(Array.from({ length: 4 }, () => enroll(server, tenant)));
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const operations = Array.from({ length: 60 }, () => {
      const card = cards[Math.floor(random() * cards.length)].card;
      const ref = { storeId: tenant.storeId, card: { id: card.id } };
      const pick = Math.floor(random() * 5);
      if (pick === 0) return run(STAMP, ref, tenant.ownerToken);
      if (pick === 1) return run(REDEEM_STAMPS, ref, tenant.ownerToken);
      if (pick === 2)
        return run(EARN, { ...ref, purchaseAmountCents: Math.floor(random() * 30_000) }, tenant.ownerToken);
      if (pick === 3) return run(REDEEM_POINTS, { ...ref, rewardId: 'coffee' }, tenant.ownerToken);
      return run(VOID, { ...ref, points: 1 + Math.floor(random() * 80), reason: 'Return' }, tenant.ownerToken);
    });
    const results = await Promise.all(operations);
    expect(results.filter((r) => r.transaction).length).toBeGreaterThan(10);
    expect(await ledgerMismatches(tenant)).toEqual([]);
    const negative = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM loyalty_cards WHERE points_balance < 0 OR stamp_count < 0`,
    );
    expect(negative[0].n).toBe(0);
  });
});

describe('POINTS_EXPIRY', () => {
  it('expires the balance of cards inactive for longer than the program allows', async () => {
    const tenant = await createLoyaltyTenant(server, { pointsExpirationDays: 30 });
    const [stale, fresh] = await Promise.all([enroll(server, tenant), enroll(server, tenant)]);
    for (const { card } of [stale, fresh]) {
      await run(
        EARN,
        { storeId: tenant.storeId, card: { id: card.id }, purchaseAmountCents: 12_000 },
        tenant.ownerToken,
      );
    }
    await server.dataSource.query(
      `UPDATE loyalty_cards SET last_activity_at = last_activity_at - interval '31 days' WHERE card_number = $1`,
      [stale.card.cardNumber],
    );
    const data = await server.ok(
      `mutation { runMaintenance(input: { job: POINTS_EXPIRY }) { processed } }`,
      {},
      { token: admin },
    );
    expect(data.runMaintenance.processed).toBeGreaterThanOrEqual(1);
    const rows = await server.dataSource.query(
      `SELECT c.card_number, c.points_balance, c.total_points_voided, (SELECT type FROM loyalty_transactions t WHERE t.card_id = c.id ORDER BY id DESC LIMIT 1) AS last
         FROM loyalty_cards c WHERE c.card_number = ANY($1) ORDER BY c.card_number = $2 DESC`,
      [[stale.card.cardNumber, fresh.card.cardNumber], stale.card.cardNumber],
    );
    expect(rows[0]).toMatchObject({ points_balance: 0, total_points_voided: 120, last: 'POINTS_EXPIRED' });
    expect(rows[1]).toMatchObject({ points_balance: 120, last: 'POINTS_EARNED' });
    expect(await ledgerMismatches(tenant)).toEqual([]);
  });
});
