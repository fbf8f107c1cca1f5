import { readFileSync } from 'node:fs';
import path from 'node:path';

import { buildSchema, type GraphQLInterfaceType } from 'graphql';

import { nodeService } from '../../src/services/node.service';
import { createLoyaltyTenant } from '../factories/loyalty';
import { addTeamMember, adminToken, createTenant, joinPlatform, unique } from '../factories/tenancy';
import { dbId, globalId } from '../support/ids';
import { ADMIN, testServer } from '../support/server';

/**
 * The rules of README "Tenant boundary: who sees what", as a user sees them:
 * what an invitation, a storefront, `node` and a merchant-wide card answer.
 */
const server = testServer();
let admin: string;
beforeAll(async () => {
  admin = await adminToken(server);
});

const NODE = `query($id: ID!) { node(id: $id) { id __typename } }`;
const nodeOf = async (id: string, token?: string) => (await server.ok(NODE, { id }, { token })).node;

describe('inviteTeamMember', () => {
  const USER_FIELDS = `id email username name role isActive lastLoginAt createdAt updatedAt deletedAt deletedBy { id }`;
  const INVITE = `mutation($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) {
    storeUser { id role isActive invitedAt acceptedAt deletedAt store { id } user { ${USER_FIELDS} } }
    invitationToken userErrors { code message field } } }`;
  const ACCEPT = `mutation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { token user { email } userErrors { code field } } }`;

  it('answers every address alike, ADMIN included, with nothing of an existing account but the e-mail typed', async () => {
    const a = await createTenant(server, { platform: 'oms', stores: 3 });
    const b = await createTenant(server, { platform: 'oms' });
    const bOwner = (await server.ok(`{ me { id name role lastLoginAt } }`, {}, { token: b.ownerToken })).me;
    expect(bOwner).toMatchObject({ name: 'Owner', role: 'MERCHANT_OWNER', lastLoginAt: expect.any(String) });
    const adminUser = (await server.ok(`{ me { id } }`, {}, { token: admin })).me;

    const addresses = [`${unique('new-')}@example.lu`, b.ownerEmail, ADMIN.email];
    const answers = [];
    for (const [i, email] of addresses.entries()) {
      const data = await server.ok(
        INVITE,
        { input: { storeId: a.storeIds[i], email, name: 'Typed Name', role: 'STAFF' } },
        { token: a.ownerToken },
      );
      answers.push(data.inviteTeamMember);
    }

    for (const [i, answer] of answers.entries()) {
      const { storeUser } = answer;
      expect(answer.userErrors).toEqual([]);
      expect(answer.invitationToken).toEqual(expect.any(String));
      expect(storeUser).toEqual({
        id: expect.any(String),
        role: 'STAFF',
        isActive: true,
        invitedAt: expect.any(String),
        acceptedAt: null,
        deletedAt: null,
        store: { id: a.storeIds[i] },
        user: {
          id: expect.any(String),
          email: addresses[i],
          username: null,
          name: null,
          role: 'STORE_STAFF',
          isActive: true,
          lastLoginAt: null,
          createdAt: storeUser.invitedAt,
          updatedAt: storeUser.invitedAt,
          deletedAt: null,
          deletedBy: null,
        },
      });
      // The invitee's id is the invitation's own: never an account's.
      expect([bOwner.id, adminUser.id]).not.toContain(storeUser.user.id);
      expect(Buffer.from(storeUser.user.id, 'base64url').toString()).toBe(`Invitee:${dbId(storeUser.id)}`);
    }

    // The store's team shows the same, and node resolves the invitee to it, for the store's scope only.
    const team = await server.ok(
      `query($id: ID!) { store(id: $id) { team { user { ${USER_FIELDS} } } } }`,
      { id: a.storeIds[1] },
      { token: a.ownerToken },
    );
    expect(team.store.team).toEqual([{ user: answers[1].storeUser.user }]);
    const invitee = answers[1].storeUser.user;
    const node = await server.ok(
      `query($id: ID!) { node(id: $id) { __typename ... on User { ${USER_FIELDS} } } }`,
      { id: invitee.id },
      { token: a.ownerToken },
    );
    expect(node.node).toEqual({ __typename: 'User', ...invitee });
    expect(await nodeOf(invitee.id, b.ownerToken)).toBeNull();
    expect(await nodeOf(invitee.id)).toBeNull();
    // The accounts themselves stay out of reach.
    expect(await nodeOf(bOwner.id, a.ownerToken)).toBeNull();
    expect(await nodeOf(adminUser.id, a.ownerToken)).toBeNull();
  });

  it('lets only the ADMIN, once signed in with its password, learn that an ADMIN cannot join', async () => {
    const a = await createTenant(server, { platform: 'oms' });
    const invited = await server.ok(
      INVITE,
      { input: { storeId: a.storeId, email: ADMIN.email, role: 'STAFF' } },
      { token: a.ownerToken },
    );
    const token = invited.inviteTeamMember.invitationToken;
    const guessed = await server.ok(ACCEPT, { input: { token, password: 'a-guess-of-the-inviter' } });
    expect(guessed.acceptInvitation).toEqual({
      token: null,
      user: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', field: ['password'] }],
    });
    const refused = await server.ok(ACCEPT, { input: { token, password: ADMIN.password } });
    expect(refused.acceptInvitation).toEqual({
      token: null,
      user: null,
      userErrors: [{ code: 'INVALID_STATE', field: ['token'] }],
    });
    const team = await server.ok(
      `query($id: ID!) { store(id: $id) { team { acceptedAt user { email name } } } }`,
      { id: a.storeId },
      { token: a.ownerToken },
    );
    expect(team.store.team).toEqual([{ acceptedAt: null, user: { email: ADMIN.email, name: null } }]);
  });

  it('shows the account once its holder accepts, and the holder and ADMIN see it while pending', async () => {
    const a = await createTenant(server, { platform: 'oms' });
    const b = await createTenant(server, { platform: 'oms' });
    const invited = await server.ok(
      INVITE,
      { input: { storeId: a.storeId, email: b.ownerEmail, role: 'STAFF' } },
      { token: a.ownerToken },
    );
    const TEAM = `query($id: ID!) { store(id: $id) { team { user { id name role } } } }`;
    const bOwner = (await server.ok(`{ me { id } }`, {}, { token: b.ownerToken })).me;
    expect((await server.ok(TEAM, { id: a.storeId }, { token: admin })).store.team).toEqual([
      { user: { id: bOwner.id, name: 'Owner', role: 'MERCHANT_OWNER' } },
    ]);
    const accepted = await server.ok(ACCEPT, {
      input: { token: invited.inviteTeamMember.invitationToken, password: 'owner-password' },
    });
    expect(accepted.acceptInvitation.userErrors).toEqual([]);
    expect((await server.ok(TEAM, { id: a.storeId }, { token: a.ownerToken })).store.team).toEqual([
      { user: { id: bOwner.id, name: 'Owner', role: 'MERCHANT_OWNER' } },
    ]);
  });
});

describe('the storefront of a store found by host', () => {
  const STOREFRONT = `{ currentStore { name subdomain
    platforms { platform { code } settings tier { code } tierCode tierName store { platforms { settings tierCode } } }
    primaryPlatform { platform { code } settings tierCode } } }`;

  it('shows anyone outside the store its name, subdomain and platform codes, never settings or tiers', async () => {
    const a = await createTenant(server);
    await joinPlatform(server, a.ownerToken, a.storeId, 'loyalty', {
      tierCode: 'professional',
      settings: { posSecret: 'do-not-show' },
    });
    const b = await createTenant(server);
    const host = `${a.subdomain}.loyalty.localhost`;
    const hidden = {
      name: expect.any(String),
      subdomain: a.subdomain,
      platforms: [
        {
          platform: { code: 'loyalty' },
          settings: null,
          tier: null,
          tierCode: null,
          tierName: null,
          store: { platforms: [{ settings: null, tierCode: null }] },
        },
      ],
      primaryPlatform: { platform: { code: 'loyalty' }, settings: null, tierCode: null },
    };
    for (const token of [undefined, b.ownerToken]) {
      const result = await server.gql(STOREFRONT, {}, { host, token });
      expect(result.errors).toBeUndefined();
      expect(result.data.currentStore).toEqual(hidden);
      expect(JSON.stringify(result.data)).not.toContain('do-not-show');
    }
    for (const token of [a.ownerToken, admin]) {
      const own = await server.ok(STOREFRONT, {}, { host, token });
      expect(own.currentStore.platforms[0]).toMatchObject({
        settings: { posSecret: 'do-not-show' },
        tier: { code: 'professional' },
        tierCode: 'professional',
      });
    }
  });
});

describe('node', () => {
  it('knows every type that implements Node in the schema', () => {
    const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));
    const implementing = schema.getPossibleTypes(schema.getType('Node') as GraphQLInterfaceType).map((t) => t.name);
    expect(implementing.length).toBeGreaterThan(20);
    expect(nodeService.typeNames()).toEqual(expect.arrayContaining(implementing));
  });

  it('resolves a store subscription and its invoices for who may see the store, and no one else', async () => {
    const a = await createTenant(server, { platform: 'oms' });
    const staff = await addTeamMember(server, a.ownerToken, a.storeId);
    const b = await createTenant(server);
    const { store } = await server.ok(
      `query($id: ID!) { store(id: $id) { subscription(platformCode: "oms") { id } } }`,
      { id: a.storeId },
      { token: a.ownerToken },
    );
    const subscriptionId: string = store.subscription.id;
    const [invoice] = await server.dataSource.query(
      `INSERT INTO billing_history (store_subscription_id, invoice_date, subtotal_cents, total_cents, status)
       VALUES ($1, now(), 4900, 4900, 'paid') RETURNING id`,
      [dbId(subscriptionId)],
    );
    const invoiceId = globalId('BillingHistory', invoice.id);
    const listed = await server.ok(
      `query($id: ID!) { node(id: $id) { ... on StoreSubscription { billingHistory { edges { node { id } } } } } }`,
      { id: subscriptionId },
      { token: a.ownerToken },
    );
    expect(listed.node.billingHistory.edges).toEqual([{ node: { id: invoiceId } }]);

    for (const token of [a.ownerToken, staff.token, admin]) {
      expect(await nodeOf(subscriptionId, token)).toEqual({ id: subscriptionId, __typename: 'StoreSubscription' });
      expect(await nodeOf(invoiceId, token)).toEqual({ id: invoiceId, __typename: 'BillingHistory' });
    }
    for (const token of [b.ownerToken, undefined]) {
      expect(await nodeOf(subscriptionId, token)).toBeNull();
      expect(await nodeOf(invoiceId, token)).toBeNull();
    }
    const many = await server.ok(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: [subscriptionId, invoiceId] },
      { token: b.ownerToken },
    );
    expect(many.nodes).toEqual([null, null]);
  });

  it('resolves tiers and features as their public lists show them, and capacity snapshots for ADMIN only', async () => {
    const a = await createTenant(server);
    const publicList = await server.ok(`{ subscriptionTiers { id code } features { id code } }`);
    expect(publicList.subscriptionTiers.length).toBeGreaterThan(0);
    expect(publicList.features.length).toBeGreaterThan(0);
    for (const { id } of [...publicList.subscriptionTiers, ...publicList.features]) {
      const expected = { id, __typename: expect.stringMatching(/^(SubscriptionTier|Feature)$/) };
      expect(await nodeOf(id)).toEqual(expected);
      expect(await nodeOf(id, a.ownerToken)).toEqual(expected);
    }
    const all = await server.ok(`{ subscriptionTiers { id code isPublic } }`, {}, { token: admin });
    const hiddenTier = all.subscriptionTiers.find((t: { isPublic: boolean }) => !t.isPublic);
    expect(hiddenTier).toBeDefined();
    expect(await nodeOf(hiddenTier.id)).toBeNull();
    expect(await nodeOf(hiddenTier.id, a.ownerToken)).toBeNull();
    expect(await nodeOf(hiddenTier.id, admin)).toEqual({ id: hiddenTier.id, __typename: 'SubscriptionTier' });

    const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 3e11));
    const [snapshot] = await server.dataSource.query(
      `INSERT INTO capacity_snapshots (snapshot_date) VALUES ($1) RETURNING id`,
      [day],
    );
    const snapshotId = globalId('CapacitySnapshot', snapshot.id);
    const listed = await server.ok(
      `query($from: DateTime!, $to: DateTime!) { capacitySnapshots(from: $from, to: $to) { id } }`,
      { from: day.toISOString(), to: day.toISOString() },
      { token: admin },
    );
    expect(listed.capacitySnapshots).toEqual([{ id: snapshotId }]);
    expect(await nodeOf(snapshotId, admin)).toEqual({ id: snapshotId, __typename: 'CapacitySnapshot' });
    expect(await nodeOf(snapshotId, a.ownerToken)).toBeNull();
    expect(await nodeOf(snapshotId)).toBeNull();
  });
});

describe('a merchant-wide loyalty card seen from store A1', () => {
  const CARD = `query($n: String!) { loyaltyCard(cardNumber: $n) {
    id customer { email } enrolledAtStore { id }
    transactions { edges { node { type store { id } } } } } }`;

  it('shows the card, its holder and its ledger to A1 staff and key, but not store A2', async () => {
    const tenant = await createLoyaltyTenant(server, {}, { stores: 2 });
    const [a1, a2] = tenant.storeIds;
    const staff = await addTeamMember(server, tenant.ownerToken, a1);
    const upgraded = await server.ok(
      `mutation($input: ChangeSubscriptionTierInput!) { changeSubscriptionTier(input: $input) { userErrors { code } } }`,
      { input: { storeId: a1, platformCode: 'loyalty', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    expect(upgraded.changeSubscriptionTier.userErrors).toEqual([]);
    const key = await server.ok(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }`,
      { input: { storeId: a1, name: 'till' } },
      { token: tenant.ownerToken },
    );
    const apiKey: string = key.createApiKey.secret;

    // Enrolled at A2 by the owner, with points earned there; then a stamp at A1.
    const email = `${unique('holder-')}@example.lu`;
    const enrolled = await server.ok(
      `mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) { card { cardNumber } userErrors { code } } }`,
      { input: { programId: tenant.programId, storeId: a2, customer: { email } } },
      { token: tenant.ownerToken },
    );
    const cardNumber: string = enrolled.enrollCustomer.card.cardNumber;
    const earned = await server.ok(
      `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { userErrors { code } } }`,
      { input: { card: { cardNumber }, storeId: a2, purchaseAmountCents: 1500 } },
      { token: tenant.ownerToken },
    );
    expect(earned.earnPoints.userErrors).toEqual([]);
    const stamped = await server.ok(
      `mutation($input: AddStampInput!) { addStamp(input: $input) { card { enrolledAtStore { id } } transaction { store { id } } userErrors { code } } }`,
      { input: { card: { cardNumber }, storeId: a1 } },
      { token: staff.token },
    );
    expect(stamped.addStamp).toEqual({
      card: { enrolledAtStore: null },
      transaction: { store: { id: a1 } },
      userErrors: [],
    });

    for (const token of [staff.token, apiKey]) {
      const { loyaltyCard } = await server.ok(CARD, { n: cardNumber }, { token });
      expect(loyaltyCard).toEqual({
        id: expect.any(String),
        customer: { email },
        enrolledAtStore: null,
        transactions: {
          edges: [
            { node: { type: 'WELCOME_BONUS', store: null } },
            { node: { type: 'POINTS_EARNED', store: null } },
            { node: { type: 'STAMP_EARNED', store: { id: a1 } } },
          ],
        },
      });
      expect(await nodeOf(a2, token)).toBeNull();
    }
    const owner = await server.ok(CARD, { n: cardNumber }, { token: tenant.ownerToken });
    expect(owner.loyaltyCard.enrolledAtStore).toEqual({ id: a2 });
    expect(owner.loyaltyCard.transactions.edges.map((e: any) => e.node.store)).toEqual([
      { id: a2 },
      { id: a2 },
      { id: a1 },
    ]);
  });

  it("does not let A1 staff enroll store A2's own customer by id", async () => {
    const tenant = await createLoyaltyTenant(server, {}, { stores: 2 });
    const [a1, a2] = tenant.storeIds;
    const staff = await addTeamMember(server, tenant.ownerToken, a1);
    const created = await server.ok(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }`,
      { input: { storeId: a2, email: `${unique('a2-')}@example.lu` } },
      { token: tenant.ownerToken },
    );
    const customerId: string = created.createCustomer.customer.id;
    const ENROLL = `mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) {
      card { id } customer { email } userErrors { code field } } }`;
    const input = { programId: tenant.programId, storeId: a1, customerId };
    const refused = await server.ok(ENROLL, { input }, { token: staff.token });
    expect(refused.enrollCustomer).toEqual({
      card: null,
      customer: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['customerId'] }],
    });
    const byOwner = await server.ok(ENROLL, { input }, { token: tenant.ownerToken });
    expect(byOwner.enrollCustomer.userErrors).toEqual([]);
  });
});
