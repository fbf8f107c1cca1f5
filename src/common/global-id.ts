/**
 * Opaque Relay global IDs: base64url("Type:123"). Database keys never leave
 * the API in any other form; a malformed or foreign ID decodes to null and
 * is then treated exactly like a missing row.
 */
export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: string; id: number } | null {
  if (typeof globalId !== 'string' || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9][0-9]{0,14})$/.exec(decoded);
  if (!match) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) && id <= 2147483647 ? { type: match[1], id } : null;
}

/** Decodes an ID that must name a row of `type`; null when it does not. */
export function idOf(type: string, globalId: string): number | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.type === type ? parsed.id : null;
}
