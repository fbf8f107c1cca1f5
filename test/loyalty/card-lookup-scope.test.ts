import { createLoyaltyTenant, enroll } from '../factories/loyalty';
import { addTeamMember, adminToken, createTenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const CARD = `query($n: String!) { loyaltyCard(cardNumber: $n) { id customer { email } } }`;

/** loyaltyCard checks a signed-in user's scope inside its one statement: the same rules as every other read. */
describe('loyaltyCard scope', () => {
  it('answers ADMIN, the owner and the team, and nobody else', async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const member = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const stranger = await createTenant(server);
    const lookup = async (token?: string) => (await server.ok(CARD, { n: card.cardNumber }, { token })).loyaltyCard;

    for (const token of [await adminToken(server), tenant.ownerToken, member.token]) {
      expect(await lookup(token)).toMatchObject({ id: card.id, customer: { email: expect.any(String) } });
    }
    expect(await lookup(stranger.ownerToken)).toBeNull();
    expect(await lookup()).toBeNull();

    // Deleting the store ends its team's access to the merchant's cards; the owner keeps it.
    const deleted = await server.ok(
      `mutation($input: IdInput!) { deleteStore(input: $input) { userErrors { code } } }`,
      { input: { id: tenant.storeId } },
      { token: tenant.ownerToken },
    );
    expect(deleted.deleteStore.userErrors).toEqual([]);
    expect(await lookup(member.token)).toBeNull();
    expect(await lookup(tenant.ownerToken)).toMatchObject({ id: card.id });
  });
});
