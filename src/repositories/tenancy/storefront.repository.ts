import type { EntityManager } from 'typeorm';

import { asSystem } from '../../db/request-transaction';
import { Store } from '../../entities/tenancy/store.entity';
import { activeOnPlatformSql } from '../subscriptions/subscription-rules.sql';

/**
 * The store a Host's subdomain names on a platform it is on (`activeOnPlatform`:
 * its membership's custom subdomain first, then the store's own subdomain),
 * made the request's storefront. Nobody is known yet: the store is looked up
 * across tenants in the named system context, then that one store (and its
 * memberships) is all the policies let an anonymous request see of it.
 */
export async function openStorefront(em: EntityManager, platformId: number, subdomain: string): Promise<Store | null> {
  const store = await asSystem(em, 'storefront', () =>
    em
      .createQueryBuilder(Store, 's')
      .innerJoin('store_platforms', 'sp', `sp.store_id = s.id AND ${activeOnPlatformSql('sp')}`)
      .where('sp.platform_id = :platformId', { platformId })
      .andWhere('(sp.custom_subdomain = :subdomain OR s.subdomain = :subdomain)', { subdomain })
      .orderBy('(sp.custom_subdomain = :subdomain)', 'DESC', 'NULLS LAST')
      .getOne(),
  );
  if (store) await em.query(`SELECT set_config('orion.storefront', $1, true)`, [String(store.id)]);
  return store;
}
