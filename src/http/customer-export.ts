import type { Request, RequestHandler } from 'express';

import { DomainError, UserErrorCode } from '../common/errors';
import type { Context } from '../context';
import { customerExportService } from '../services/tenancy/customer-export.service';
import { InvalidTokenError } from './authenticate';

const STATUS: Partial<Record<UserErrorCode, number>> = {
  [UserErrorCode.NOT_FOUND]: 404,
  [UserErrorCode.FEATURE_NOT_AVAILABLE]: 403,
  [UserErrorCode.SUBSCRIPTION_INACTIVE]: 403,
  [UserErrorCode.NOT_ON_PLATFORM]: 403,
};

/**
 * `GET /stores/{storeId}/customers.csv` with a bearer token: a path outside
 * GraphQL, gated by the same service-level feature check (customer_export).
 */
export function customerExportHandler(contextOf: (req: Request) => Promise<Context>): RequestHandler {
  return async (req, res) => {
    let ctx: Context | undefined;
    try {
      ctx = await contextOf(req);
      if (!(await ctx.viewer())) {
        res.status(401).json({ code: 'UNAUTHENTICATED', message: 'Sign in first: send a valid bearer token' });
        return;
      }
      const { filename, csv } = await customerExportService.csv(ctx, String(req.params.storeId));
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="${filename}"`)
        .setHeader('cache-control', 'no-store')
        .send(csv);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        res.status(401).json({ code: 'UNAUTHENTICATED', message: error.message });
      } else if (error instanceof DomainError) {
        res.status(STATUS[error.code] ?? 400).json({ code: error.code, message: error.message });
      } else {
        req.log?.error({ err: error }, 'customer export failed');
        res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
      }
    } finally {
      // A read: nothing to commit.
      await ctx?.transaction
        .finish(false)
        .catch((err) => req.log?.error({ err }, 'request transaction release failed'));
    }
  };
}
