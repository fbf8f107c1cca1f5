import type { EntityManager } from 'typeorm';

import { Platform } from '../../entities/tenancy/platform.entity';

/** The statements of an ADMIN's edit of a platform (reads go through the request's catalogue). */

/** The platform with this id, or null. */
export function findPlatformById(em: EntityManager, id: number): Promise<Platform | null> {
  return em.findOne(Platform, { where: { id } });
}

/** Writes the changed columns of a loaded platform. */
export function savePlatform(em: EntityManager, platform: Platform): Promise<Platform> {
  return em.save(platform);
}
