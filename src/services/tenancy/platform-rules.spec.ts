import type { Platform } from '../../entities/tenancy/platform.entity';
import { isOpen, platformOfHost } from './platform-rules';

const platform = (code: string, domain: string | null, isActive = true) => ({ code, domain, isActive }) as Platform;

describe('platformOfHost', () => {
  const loyalty = platform('loyalty', 'loyalty.localhost');
  const oms = platform('oms', 'oms.localhost');
  const nested = platform('deep', 'eu.loyalty.localhost');
  const closed = platform('closed', 'closed.localhost', false);
  const all = [loyalty, oms, nested, closed, platform('none', null)];

  it('finds the platform of its domain and of a subdomain of it', () => {
    expect(platformOfHost(all, 'loyalty.localhost')).toBe(loyalty);
    expect(platformOfHost(all, 'bakery.oms.localhost')).toBe(oms);
  });

  it('prefers the longest domain that matches', () => {
    expect(platformOfHost(all, 'shop.eu.loyalty.localhost')).toBe(nested);
    expect(platformOfHost(all, 'shop.us.loyalty.localhost')).toBe(loyalty);
  });

  it('matches whole labels only, never a domain that merely ends alike', () => {
    expect(platformOfHost(all, 'myloyalty.localhost')).toBeNull();
    expect(platformOfHost(all, 'example.com')).toBeNull();
  });

  it('never answers a closed platform', () => {
    expect(isOpen(closed)).toBe(false);
    expect(platformOfHost(all, 'closed.localhost')).toBeNull();
    expect(platformOfHost(all, 'shop.closed.localhost')).toBeNull();
  });
});
