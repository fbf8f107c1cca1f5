import {
  type EntitySubscriberInterface,
  EventSubscriber,
  type InsertEvent,
  type ObjectLiteral,
  type RecoverEvent,
  type RemoveEvent,
  type SoftRemoveEvent,
  type UpdateEvent,
} from 'typeorm';

import { requestOf } from '../common/request-store';
import { Feature } from '../entities/features/feature.entity';
import { SubscriptionTier } from '../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../entities/tenancy/platform.entity';

const CATALOGUE = new Set<unknown>([Platform, SubscriptionTier, Feature]);

type Event =
  | InsertEvent<ObjectLiteral>
  | UpdateEvent<ObjectLiteral>
  | RemoveEvent<ObjectLiteral>
  | SoftRemoveEvent<ObjectLiteral>
  | RecoverEvent<ObjectLiteral>;

/**
 * The write path tells the request's catalogue (Loaders.catalog) that it
 * changed: a request that wrote a platform, tier or feature row reads the
 * catalogue afresh afterwards, without its writer having to remember to say
 * so. Other requests learn it from the catalogue's version, which the
 * database's triggers move on in the writing transaction (migration
 * CatalogVersion).
 */
@EventSubscriber()
export class CatalogWriteSubscriber implements EntitySubscriberInterface {
  afterInsert(event: InsertEvent<ObjectLiteral>): void {
    counted(event);
  }

  afterUpdate(event: UpdateEvent<ObjectLiteral>): void {
    counted(event);
  }

  afterRemove(event: RemoveEvent<ObjectLiteral>): void {
    counted(event);
  }

  afterSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): void {
    counted(event);
  }

  afterRecover(event: RecoverEvent<ObjectLiteral>): void {
    counted(event);
  }
}

function counted(event: Event): void {
  if (!CATALOGUE.has(event.metadata.target)) return;
  const request = requestOf(event.queryRunner);
  if (request) request.catalogWrites = (request.catalogWrites ?? 0) + 1;
}
