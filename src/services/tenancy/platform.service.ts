import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import type { Platform } from '../../entities/tenancy/platform.entity';
import { findPlatformById, savePlatform } from '../../repositories/tenancy/platform.repository';

export interface UpdatePlatformInput {
  id: string;
  name?: string | null;
  description?: string | null;
  domain?: string | null;
  isActive?: boolean | null;
  settings?: Record<string, unknown> | null;
}

/** Platforms are public reference data; ADMIN edits them. */
export const platformService = {
  /** Every platform, in id order (from the request's catalogue). */
  async list(ctx: Context): Promise<Platform[]> {
    return [...(await ctx.loaders.catalog()).platforms.values()];
  },

  /** The platform with this code, from the request's catalogue: field resolvers ask per row. */
  async byCode(ctx: Context, code: string): Promise<Platform | null> {
    return ctx.loaders.platformByCode(code);
  },

  async update(ctx: Context, input: UpdatePlatformInput): Promise<Platform> {
    try {
      const saved = await ctx.manager.transaction(async (em) => {
        const id = idOf('Platform', input.id);
        const platform = id === null ? null : await findPlatformById(em, id);
        if (!platform) throw notFound('Platform', ['id']);
        if (input.name != null) platform.name = input.name;
        if (input.description !== undefined) platform.description = input.description;
        if (input.domain !== undefined) platform.domain = input.domain?.toLowerCase() ?? null;
        if (input.isActive != null) platform.isActive = input.isActive;
        if (input.settings != null) platform.settings = input.settings;
        return await savePlatform(em, platform);
      });
      return saved;
    } catch (error) {
      if (isUniqueViolation(error, 'uq_platforms_domain')) {
        throw new DomainError(UserErrorCode.ALREADY_EXISTS, 'Another platform uses this domain', ['domain']);
      }
      throw error;
    }
  },
};
