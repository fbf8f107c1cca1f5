import { InvalidInputError } from './errors';

/** Keyset pagination over ascending integer keys: the cursor is an opaque form of the last key seen. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first: number;
  /** Key after which the page starts (decoded cursor), 0 for the first page. */
  afterId: number;
}

export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
}

export const encodeCursor = (id: number): string => Buffer.from(`cursor:${id}`, 'utf8').toString('base64url');

/** Null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  const match = /^cursor:([0-9]{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

/** Trims the probe row (pages are fetched with `first + 1` rows) and tells whether more follow. */
export function toPage<T>(rows: T[], first: number): Page<T> {
  return rows.length > first ? { rows: rows.slice(0, first), hasNextPage: true } : { rows, hasNextPage: false };
}

/** What a caller asks of a top-level list: a page, and deleted rows too or only (ADMIN). */
export interface ListRequest {
  first: number;
  after?: string | null;
  includeDeleted?: boolean | null;
  onlyDeleted?: boolean | null;
}

/** A page of a list and its total, counted only when asked for. */
export interface Listing<T> {
  page: Page<T>;
  count: () => Promise<number>;
}

/** The key after which a page starts; a cursor that is not ours is bad input. */
export function afterIdOf(after: string | null | undefined): number {
  if (!after) return 0;
  const id = decodeCursor(after);
  if (id === null) throw new InvalidInputError('Not a cursor of this list', 'after');
  return id;
}
