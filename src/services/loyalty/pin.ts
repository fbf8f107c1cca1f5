import { createHmac } from 'node:crypto';

import type { Config } from '../../config';

/**
 * HMAC-SHA256 of a staff PIN, keyed with STAFF_PIN_SECRET and bound to its
 * program: a 4–8 digit PIN cannot be protected by hashing cost, the secret
 * protects it if the database leaks, and one indexed lookup finds it.
 */
export function hashPin(config: Config, programId: number, pin: string): string {
  return createHmac('sha256', config.staffPinSecret).update(`${programId}:${pin}`).digest('hex');
}
