import type { EntityManager } from 'typeorm';

import type { Platform } from '../../entities/tenancy/platform.entity';
import type { Store } from '../../entities/tenancy/store.entity';
import type { Loaders } from '../../loaders/loaders';
import { openStorefront } from '../../repositories/tenancy/storefront.repository';
import { isOpen, platformOfHost } from './platform-rules';

export interface PlatformContext {
  platform: Platform | null;
  store: Store | null;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The platform of a request, from the catalogue: the `/platforms/{code}/`
 * path prefix wins; else the Host header equal to a platform's domain, or
 * `{subdomain}.{domain}` where the subdomain names a store on that platform
 * (its membership's custom subdomain first, then the store's own). Only an
 * open platform is a request's context (see platform-rules.ts).
 */
export async function resolvePlatformContext(
  manager: EntityManager,
  loaders: Loaders,
  request: { platformCode: string | null; host: string | null },
): Promise<PlatformContext> {
  if (request.platformCode) {
    const platform = await loaders.platformByCode(request.platformCode);
    return { platform: platform && isOpen(platform) ? platform : null, store: null };
  }
  const host = request.host?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!host) return { platform: null, store: null };

  const platform = platformOfHost((await loaders.catalog()).platforms.values(), host);
  if (!platform?.domain || platform.domain === host) return { platform, store: null };

  const subdomain = host.slice(0, -(platform.domain.length + 1));
  if (!SUBDOMAIN.test(subdomain)) return { platform, store: null };
  return { platform, store: await openStorefront(manager, platform.id, subdomain) };
}
