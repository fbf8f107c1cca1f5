import type { Context } from '../../context';
import { customersOfStore } from '../../repositories/tenancy/customer.repository';
import { assertFeature } from '../features/feature-gate';
import { findStore } from './scoped';

const COLUMNS = ['email', 'name', 'phone', 'created_at'] as const;

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (leading
 * = @ tab CR, or + - not starting a plain number) gets a leading '.
 */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const formula = /^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-][\d\s().-]*$/.test(value));
  const safe = formula ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The store's live customers as CSV, for its team; needs `customer_export` (Professional tier and up). */
async function csv(ctx: Context, storeGlobalId: string): Promise<{ filename: string; csv: string }> {
  const store = await findStore(ctx, ctx.manager, storeGlobalId, { access: 'team', field: ['storeId'] });
  await assertFeature(ctx, ctx.manager, store.id, 'customer_export');
  const customers = await customersOfStore(ctx.manager, store.id);
  const lines = [
    COLUMNS.join(','),
    ...customers.map((c) => [c.email, c.name, c.phone, c.createdAt.toISOString()].map(csvCell).join(',')),
  ];
  return { filename: `customers-${store.storeCode.toLowerCase()}.csv`, csv: `${lines.join('\r\n')}\r\n` };
}

/** The customer export (`GET /stores/{storeId}/customers.csv`). */
export const customerExportService = { csv };
