import type { EntityManager } from 'typeorm';

import { Feature } from '../../entities/features/feature.entity';

/** Reads the code of every feature in the registry, active or not (the codes a tier may list). */
export async function registeredFeatureCodes(em: EntityManager): Promise<Set<string>> {
  return new Set((await em.find(Feature, { select: { code: true } })).map((f) => f.code));
}
