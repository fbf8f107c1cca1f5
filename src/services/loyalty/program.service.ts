import type { EntityManager } from 'typeorm';

import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf, toGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import type { LoyaltyType } from '../../entities/loyalty/enums';
import type { LoyaltyProgram, PointsReward } from '../../entities/loyalty/loyalty-program.entity';
import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { type Access, allows, visible } from '../../policy/policy';
import {
  createProgram,
  findProgramById,
  merchantHasProgram,
  saveProgram,
} from '../../repositories/loyalty/program.repository';
import {
  createStaffPin,
  deactivateStaffPin,
  findPinStore,
  findStaffPin,
  pinHashTaken,
} from '../../repositories/loyalty/staff-pin.repository';
import { clock } from '../clock';
import { findMerchant, viewerOf } from '../tenancy/scoped';
import { softDeleteWithCascade } from '../tenancy/soft-delete';
import { hashPin } from './pin';

export interface PointsRewardInput {
  id: string;
  name: string;
  pointsRequired: number;
  description?: string | null;
}

/** The configurable fields; URLs arrive as URL objects (the URL scalar) or strings. */
export interface LoyaltyProgramFields {
  loyaltyType?: LoyaltyType | null;
  stampsTarget?: number | null;
  stampsRewardDescription?: string | null;
  stampsRewardValueCents?: number | null;
  pointsPerEuro?: number | null;
  pointsRewards?: PointsRewardInput[] | null;
  pointsExpirationDays?: number | null;
  welcomeBonusPoints?: number | null;
  minimumRedemptionPoints?: number | null;
  minimumPurchaseCents?: number | null;
  cooldownMinutes?: number | null;
  maxDailyStamps?: number | null;
  requireStaffPin?: boolean | null;
  cardName?: string | null;
  cardColor?: string | null;
  cardSecondaryColor?: string | null;
  logoUrl?: URL | string | null;
  heroImageUrl?: URL | string | null;
  googleIssuerId?: string | null;
  googleClassId?: string | null;
  applePassTypeId?: string | null;
  termsText?: string | null;
  privacyUrl?: URL | string | null;
  isActive?: boolean | null;
}

export interface CreateLoyaltyProgramInput extends LoyaltyProgramFields {
  merchantId: string;
  loyaltyType: LoyaltyType;
}

export interface UpdateLoyaltyProgramInput extends LoyaltyProgramFields {
  id: string;
}

export interface CreateStaffPinInput {
  programId: string;
  storeId?: string | null;
  staffName: string;
  pin: string;
}

/** Columns with a default: null in an input means "default" on create and "unchanged" on update. */
const REQUIRED_FIELDS = [
  'loyaltyType',
  'stampsTarget',
  'stampsRewardDescription',
  'pointsPerEuro',
  'pointsRewards',
  'welcomeBonusPoints',
  'minimumRedemptionPoints',
  'minimumPurchaseCents',
  'cooldownMinutes',
  'maxDailyStamps',
  'requireStaffPin',
  'cardColor',
  'isActive',
] as const satisfies ReadonlyArray<keyof LoyaltyProgramFields>;

/** Nullable columns: null clears them. */
const NULLABLE_FIELDS = [
  'stampsRewardValueCents',
  'pointsExpirationDays',
  'cardName',
  'cardSecondaryColor',
  'logoUrl',
  'heroImageUrl',
  'googleIssuerId',
  'googleClassId',
  'applePassTypeId',
  'termsText',
  'privacyUrl',
] as const satisfies ReadonlyArray<keyof LoyaltyProgramFields>;

const LIVE_PROGRAM_INDEX = 'uq_loyalty_programs_merchant_live';
const PROGRAM_PIN_INDEX = 'uq_staff_pins_program_pin';

const programExists = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'The merchant already has a loyalty program', ['merchantId']);
const pinTaken = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'Another staff member of this program has this PIN', ['pin']);

function normalized(field: keyof LoyaltyProgramFields, value: unknown): unknown {
  if (value instanceof URL) return value.href;
  if (field === 'pointsRewards') {
    return (value as PointsRewardInput[]).map((r): PointsReward => ({
      id: r.id,
      name: r.name,
      pointsRequired: r.pointsRequired,
      description: r.description ?? null,
    }));
  }
  return value;
}

/** The column changes an input asks for: absent fields stay, null clears nullable ones only. */
function changesOf(input: LoyaltyProgramFields): Partial<LoyaltyProgram> {
  const changes: Record<string, unknown> = {};
  for (const field of REQUIRED_FIELDS) {
    if (input[field] != null) changes[field] = normalized(field, input[field]);
  }
  for (const field of NULLABLE_FIELDS) {
    const value = input[field];
    if (value !== undefined) changes[field] = value === null ? null : normalized(field, value);
  }
  return changes as Partial<LoyaltyProgram>;
}

/** The program a service acts on, by its global ID, as `findStore` (src/services/tenancy/scoped.ts). */
async function findProgram(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  options: { access: Access; field: string[]; lock?: boolean },
): Promise<LoyaltyProgram> {
  const viewer = await viewerOf(ctx);
  const id = idOf('LoyaltyProgram', globalId);
  const program = id === null ? null : await findProgramById(em, id, options.lock);
  return visible(
    program,
    'Loyalty program',
    options.field,
    !!program && allows(viewer, options.access, { merchantId: program.merchantId }),
  );
}

/** Runs a write; lost races on the program's unique indexes become ALREADY_EXISTS. */
async function writing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error, LIVE_PROGRAM_INDEX)) throw programExists();
    if (isUniqueViolation(error, PROGRAM_PIN_INDEX)) throw pinTaken();
    throw error;
  }
}

/**
 * Loyalty programs and their staff PINs, managed by ADMIN and the merchant's
 * owner. One live program per merchant (partial unique index); `activatedAt`
 * records the first activation; deleting a program soft-deletes its cards.
 */
export const programService = {
  create(ctx: Context, input: CreateLoyaltyProgramInput): Promise<LoyaltyProgram> {
    return writing(() =>
      ctx.manager.transaction(async (em) => {
        const merchant = await findMerchant(ctx, em, input.merchantId, {
          access: 'manage',
          field: ['merchantId'],
        });
        if (await merchantHasProgram(em, merchant.id)) throw programExists();
        const changes = changesOf(input);
        const isActive = changes.isActive ?? true;
        return createProgram(em, {
          ...changes,
          merchantId: merchant.id,
          isActive,
          activatedAt: isActive ? clock.now() : null,
        });
      }),
    );
  },

  update(ctx: Context, input: UpdateLoyaltyProgramInput): Promise<LoyaltyProgram> {
    return ctx.manager.transaction(async (em) => {
      const program = await findProgram(ctx, em, input.id, { access: 'manage', field: ['id'], lock: true });
      Object.assign(program, changesOf(input));
      if (program.isActive && !program.activatedAt) program.activatedAt = clock.now();
      return saveProgram(em, program);
    });
  },

  delete(ctx: Context, globalId: string): Promise<{ deletedId: string; cascadedIds: string[] }> {
    return ctx.manager.transaction(async (em) => {
      const program = await findProgram(ctx, em, globalId, { access: 'manage', field: ['id'], lock: true });
      const cascadedIds = await softDeleteWithCascade(em, program);
      return { deletedId: toGlobalId('LoyaltyProgram', program.id), cascadedIds };
    });
  },

  /** A PIN valid at one live store of the program's merchant, or at all of them; stored only as its keyed hash. */
  createStaffPin(ctx: Context, input: CreateStaffPinInput): Promise<StaffPin> {
    return writing(() =>
      ctx.manager.transaction(async (em) => {
        const program = await findProgram(ctx, em, input.programId, {
          access: 'manage',
          field: ['programId'],
        });
        let storeId: number | null = null;
        if (input.storeId != null) {
          const id = idOf('Store', input.storeId);
          const store = id === null ? null : await findPinStore(em, id);
          if (!store || store.merchantId !== program.merchantId) throw notFound('Store', ['storeId']);
          storeId = store.id;
        }
        const pinHash = hashPin(ctx.config, program.id, input.pin);
        if (await pinHashTaken(em, program.id, pinHash)) throw pinTaken();
        return createStaffPin(em, {
          programId: program.id,
          storeId,
          staffName: input.staffName,
          pinHash,
          isActive: true,
        });
      }),
    );
  },

  /** Switches a PIN off for good: its digits stay taken within the program. */
  deactivateStaffPin(ctx: Context, globalId: string): Promise<StaffPin> {
    return ctx.manager.transaction(async (em) => {
      const id = idOf('StaffPin', globalId);
      const pin = id === null ? null : await findStaffPin(em, id);
      if (!pin) throw notFound('Staff PIN', ['id']);
      try {
        await findProgram(ctx, em, toGlobalId('LoyaltyProgram', pin.programId), {
          access: 'manage',
          field: ['id'],
        });
      } catch (error) {
        if (error instanceof DomainError && error.code === UserErrorCode.NOT_FOUND) throw notFound('Staff PIN', ['id']);
        throw error;
      }
      return deactivateStaffPin(em, pin.id);
    });
  },
};
