/** A global ID's database id (its `Type:id`, base64url). */
export const dbId = (globalId: string): number =>
  Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);

/** The global ID of a row of `type`. */
export const globalId = (type: string, id: number): string => Buffer.from(`${type}:${id}`).toString('base64url');
