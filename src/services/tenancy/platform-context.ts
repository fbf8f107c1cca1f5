import type { EntityManager } from 'typeorm';
import { asSystem } from '../../db/request-transaction';
import { Platform } from '../../entities/tenancy/platform.entity';
import { Store } from '../../entities/tenancy/store.entity';

export interface PlatformContext {
  platform: Platform | null;
  store: Store | null;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The platform of a request: the `/platforms/{code}/` path prefix wins; else
 * the Host header equal to a platform's domain, or `{subdomain}.{domain}`
 * where the subdomain names a store on that platform (its membership's
 * custom subdomain first, then the store's own).
 */
export async function resolvePlatformContext(
  manager: EntityManager,
  request: { platformCode: string | null; host: string | null },
): Promise<PlatformContext> {
  if (request.platformCode) {
    const platform = await manager.findOne(Platform, { where: { code: request.platformCode, isActive: true } });
    return { platform, store: null };
  }
  const host = request.host?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!host) return { platform: null, store: null };

  const platform = await manager
    .createQueryBuilder(Platform, 'p')
    .where('p.is_active')
    .andWhere("(p.domain = :host OR :host LIKE '%.' || p.domain)", { host })
    .orderBy('length(p.domain)', 'DESC')
    .getOne();
  if (!platform?.domain || platform.domain === host) return { platform, store: null };

  const subdomain = host.slice(0, -(platform.domain.length + 1));
  if (!SUBDOMAIN.test(subdomain)) return { platform, store: null };
  // Nobody is known yet: which store a Host names is looked up across tenants, then that one store (and its
  // memberships) is all the policies let an anonymous request see of it; its public fields are the API's to pick.
  const store = await asSystem(manager, 'storefront', () =>
    manager
      .createQueryBuilder(Store, 's')
      .innerJoin('store_platforms', 'sp', 'sp.store_id = s.id AND sp.deleted_at IS NULL AND sp.is_active')
      .where('sp.platform_id = :platformId', { platformId: platform.id })
      .andWhere('(sp.custom_subdomain = :subdomain OR s.subdomain = :subdomain)', { subdomain })
      .orderBy('(sp.custom_subdomain = :subdomain)', 'DESC', 'NULLS LAST')
      .getOne(),
  );
  if (store) await manager.query(`SELECT set_config('orion.storefront', $1, true)`, [String(store.id)]);
  return { platform, store };
}
