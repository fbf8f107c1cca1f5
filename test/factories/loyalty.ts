import { randomUUID } from 'node:crypto';

import type { TestServer } from '../support/server';
import { createTenant, type Tenant, unique } from './tenancy';

export interface LoyaltyTenant extends Tenant {
  storeIds: string[];
  programId: string;
}

/** A merchant whose stores are on the loyalty platform, with a program made through the API. */
export async function createLoyaltyTenant(
  server: TestServer,
  program: Record<string, unknown> = {},
  options: { stores?: number } = {},
): Promise<LoyaltyTenant> {
  const tenant = await createTenant(server, { platform: 'loyalty', stores: options.stores });
  const data = await server.ok(
    `mutation($input: CreateLoyaltyProgramInput!) { createLoyaltyProgram(input: $input) { program { id } userErrors { code message field } } }`,
    {
      input: {
        merchantId: tenant.merchantId,
        loyaltyType: 'HYBRID',
        requireStaffPin: false,
        cooldownMinutes: 0,
        maxDailyStamps: 100,
        stampsTarget: 3,
        pointsPerEuro: 1,
        minimumRedemptionPoints: 100,
        pointsRewards: [
          { id: 'coffee', name: 'Coffee', pointsRequired: 100 },
          { id: 'cake', name: 'Cake', pointsRequired: 250 },
        ],
        ...program,
      },
    },
    { token: tenant.ownerToken },
  );
  if (data.createLoyaltyProgram.userErrors.length)
    throw new Error(JSON.stringify(data.createLoyaltyProgram.userErrors));
  return { ...tenant, programId: data.createLoyaltyProgram.program.id };
}

export async function enroll(server: TestServer, tenant: LoyaltyTenant, token = tenant.ownerToken) {
  const data = await server.ok(
    `mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) {
       card { id cardNumber qrCodeData pointsBalance stampCount } customer { id email } transaction { id type pointsDelta }
       userErrors { code message field } } }`,
    {
      input: {
        programId: tenant.programId,
        storeId: tenant.storeId,
        customer: { email: `${unique('c-')}@example.lu` },
      },
    },
    { token },
  );
  if (data.enrollCustomer.userErrors.length) throw new Error(JSON.stringify(data.enrollCustomer.userErrors));
  return data.enrollCustomer as {
    card: { id: string; cardNumber: string; qrCodeData: string; pointsBalance: number; stampCount: number };
    customer: { id: string; email: string };
    transaction: { id: string; type: string; pointsDelta: number };
  };
}

export const newKey = (): string => randomUUID();
