import { randomBytes } from 'node:crypto';

import { ADMIN, type TestServer } from '../support/server';

export const unique = (prefix = ''): string => `${prefix}${randomBytes(5).toString('hex')}`;

const adminTokens = new WeakMap<TestServer, Promise<string>>();

export async function login(server: TestServer, email: string, password: string): Promise<string> {
  const data = await server.ok(
    `mutation($input: LoginInput!) { login(input: $input) { token userErrors { code message } } }`,
    { input: { email, password } },
  );
  if (!data.login.token) throw new Error(`login failed: ${JSON.stringify(data.login.userErrors)}`);
  return data.login.token;
}

export function adminToken(server: TestServer): Promise<string> {
  let token = adminTokens.get(server);
  if (!token) {
    token = login(server, ADMIN.email, ADMIN.password);
    adminTokens.set(server, token);
  }
  return token;
}

export interface Tenant {
  merchantId: string;
  ownerEmail: string;
  ownerToken: string;
  storeId: string;
  storeCode: string;
  subdomain: string;
}

/**
 * A fresh merchant with its owner (signed in) and stores, made through the
 * API as ADMIN; with `platform`, each store joins it (starting a TRIAL), as
 * orders, products and team members need a subscription.
 */
export async function createTenant(
  server: TestServer,
  options: { stores?: number; platform?: string } = {},
): Promise<Tenant & { storeIds: string[] }> {
  const admin = await adminToken(server);
  const ownerEmail = `${unique('owner-')}@example.lu`;
  const created = await server.ok(
    `mutation($input: CreateMerchantInput!) {
       createMerchant(input: $input) { merchant { id } owner { id } userErrors { code message field } }
     }`,
    {
      input: {
        name: unique('Merchant '),
        contactEmail: ownerEmail,
        owner: { email: ownerEmail, password: 'owner-password', name: 'Owner' },
      },
    },
    { token: admin },
  );
  if (created.createMerchant.userErrors.length) throw new Error(JSON.stringify(created.createMerchant.userErrors));
  const merchantId: string = created.createMerchant.merchant.id;
  const ownerToken = await login(server, ownerEmail, 'owner-password');
  const storeIds: string[] = [];
  let first = { storeCode: '', subdomain: '' };
  for (let i = 0; i < (options.stores ?? 1); i++) {
    const store = await createStore(server, ownerToken, merchantId);
    storeIds.push(store.id);
    if (options.platform) await joinPlatform(server, ownerToken, store.id, options.platform);
    if (i === 0) first = store;
  }
  return { merchantId, ownerEmail, ownerToken, storeId: storeIds[0], storeIds, ...first };
}

export async function createStore(server: TestServer, token: string, merchantId: string) {
  const storeCode = unique('S').toUpperCase();
  const subdomain = unique('shop-');
  const data = await server.ok(
    `mutation($input: CreateStoreInput!) { createStore(input: $input) { store { id storeCode subdomain } userErrors { code message field } } }`,
    { input: { merchantId, name: `Store ${storeCode}`, storeCode, subdomain } },
    { token },
  );
  if (data.createStore.userErrors.length) throw new Error(JSON.stringify(data.createStore.userErrors));
  return data.createStore.store as { id: string; storeCode: string; subdomain: string };
}

/** Adds the store to a platform and returns the membership id. */
export async function joinPlatform(
  server: TestServer,
  token: string,
  storeId: string,
  platformCode: string,
  extra: Record<string, unknown> = {},
) {
  const data = await server.ok(
    `mutation($input: AddStoreToPlatformInput!) {
       addStoreToPlatform(input: $input) { storePlatform { id isPrimary } userErrors { code message field } }
     }`,
    { input: { storeId, platformCode, ...extra } },
    { token },
  );
  if (data.addStoreToPlatform.userErrors.length) throw new Error(JSON.stringify(data.addStoreToPlatform.userErrors));
  return data.addStoreToPlatform.storePlatform as { id: string; isPrimary: boolean };
}

/** Invites a member and accepts the invitation; returns the member's token. */
export async function addTeamMember(server: TestServer, ownerToken: string, storeId: string, role = 'STAFF') {
  const email = `${unique('staff-')}@example.lu`;
  const invited = await server.ok(
    `mutation($input: InviteTeamMemberInput!) {
       inviteTeamMember(input: $input) { storeUser { id } invitationToken userErrors { code message } }
     }`,
    { input: { storeId, email, role } },
    { token: ownerToken },
  );
  if (invited.inviteTeamMember.userErrors.length) throw new Error(JSON.stringify(invited.inviteTeamMember.userErrors));
  const accepted = await server.ok(
    `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token userErrors { code message } } }`,
    { input: { token: invited.inviteTeamMember.invitationToken, password: 'staff-password' } },
  );
  return {
    email,
    token: accepted.acceptInvitation.token as string,
    storeUserId: invited.inviteTeamMember.storeUser.id as string,
  };
}
