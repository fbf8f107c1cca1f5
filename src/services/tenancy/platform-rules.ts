import type { Platform } from '../../entities/tenancy/platform.entity';

/**
 * What an inactive platform still is, in one place. It stays in the
 * catalogue, where `platforms`, `platform(code)` and its members' memberships
 * show it (with `isActive: false`, so ADMIN can find and reopen it), but it
 * is no request's platform context and takes no new members.
 */
export const isOpen = (platform: Platform): boolean => platform.isActive;

/**
 * The open platform a host belongs to: the one whose domain is the host or
 * its parent domain (`{subdomain}.{domain}`), the longest such domain winning.
 */
export function platformOfHost(platforms: Iterable<Platform>, host: string): Platform | null {
  let found: Platform | null = null;
  for (const platform of platforms) {
    const { domain } = platform;
    if (!domain || !isOpen(platform) || (host !== domain && !host.endsWith(`.${domain}`))) continue;
    if (!found || domain.length > found.domain!.length) found = platform;
  }
  return found;
}
