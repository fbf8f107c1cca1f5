import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateSubscriptions1795227662009 implements MigrationInterface {
  name = 'CreateSubscriptions1795227662009';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."feature_category" AS ENUM('ORDERS', 'INVENTORY', 'ANALYTICS', 'INVOICING', 'INTEGRATIONS', 'TEAM', 'BRANDING', 'CUSTOMERS', 'CMS')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."feature_ui_location" AS ENUM('SIDEBAR', 'DASHBOARD', 'SETTINGS', 'API', 'INLINE')`,
    );
    await queryRunner.query(
      `CREATE TABLE "features" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "code" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "description" text, "category" "public"."feature_category" NOT NULL, "ui_location" "public"."feature_ui_location", "ui_icon" character varying(50), "ui_route" character varying(100), "ui_badge_text" character varying(20), "minimum_tier_id" integer, "is_active" boolean NOT NULL DEFAULT true, "is_visible" boolean NOT NULL DEFAULT true, "display_order" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_5c1e336df2f4a7051e5bf08a941" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_features_code" ON "features"  ("code") `);
    await queryRunner.query(`CREATE INDEX "idx_features_category" ON "features"  ("category") `);
    await queryRunner.query(`CREATE INDEX "idx_features_minimum_tier_id" ON "features"  ("minimum_tier_id") `);
    await queryRunner.query(`CREATE INDEX "idx_feature_active_visible" ON "features"  ("is_active", "is_visible") `);
    await queryRunner.query(`CREATE INDEX "idx_feature_category_order" ON "features"  ("category", "display_order") `);
    await queryRunner.query(`CREATE TYPE "public"."addon_category" AS ENUM('DOMAIN', 'SSL', 'EMAIL', 'STORAGE')`);
    await queryRunner.query(`CREATE TYPE "public"."billing_period" AS ENUM('MONTHLY', 'ANNUAL', 'ONE_TIME')`);
    await queryRunner.query(
      `CREATE TABLE "addon_products" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "code" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "description" text, "category" "public"."addon_category" NOT NULL, "price_cents" integer NOT NULL, "billing_period" "public"."billing_period" NOT NULL DEFAULT 'MONTHLY', "quantity_unit" character varying(50), "quantity_value" integer, "stripe_product_id" character varying(100), "stripe_price_id" character varying(100), "display_order" integer NOT NULL DEFAULT '0', "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_7b1cb83763fcc20b187779b91d1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_addon_products_code" ON "addon_products"  ("code") `);
    await queryRunner.query(`CREATE INDEX "idx_addon_products_category" ON "addon_products"  ("category") `);
    await queryRunner.query(
      `CREATE TABLE "billing_history" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "store_subscription_id" integer NOT NULL, "stripe_invoice_id" character varying(100), "stripe_payment_intent_id" character varying(100), "invoice_number" character varying(50), "invoice_date" TIMESTAMP WITH TIME ZONE NOT NULL, "due_date" TIMESTAMP WITH TIME ZONE, "subtotal_cents" integer NOT NULL, "tax_cents" integer NOT NULL DEFAULT '0', "total_cents" integer NOT NULL, "amount_paid_cents" integer NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL DEFAULT 'EUR', "status" character varying(20) NOT NULL, "invoice_pdf_url" character varying(500), "hosted_invoice_url" character varying(500), "description" text, "line_items" jsonb, CONSTRAINT "PK_f20ec465d981591343fecb3c9e3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_billing_history_stripe_invoice_id" ON "billing_history"  ("stripe_invoice_id") WHERE "stripe_invoice_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_billing_status" ON "billing_history"  ("store_subscription_id", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_billing_subscription_date" ON "billing_history"  ("store_subscription_id", "invoice_date") `,
    );
    await queryRunner.query(
      `CREATE TABLE "capacity_snapshots" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "snapshot_date" TIMESTAMP WITH TIME ZONE NOT NULL, "total_stores" integer NOT NULL DEFAULT '0', "active_stores" integer NOT NULL DEFAULT '0', "trial_stores" integer NOT NULL DEFAULT '0', "total_subscriptions" integer NOT NULL DEFAULT '0', "active_subscriptions" integer NOT NULL DEFAULT '0', "total_products" integer NOT NULL DEFAULT '0', "total_orders_month" integer NOT NULL DEFAULT '0', "total_team_members" integer NOT NULL DEFAULT '0', "storage_used_gb" numeric(10,2) NOT NULL DEFAULT '0', "db_size_mb" numeric(10,2) NOT NULL DEFAULT '0', "theoretical_products_limit" integer, "theoretical_orders_limit" integer, "theoretical_team_limit" integer, "tier_distribution" jsonb, "avg_response_ms" integer, "peak_cpu_percent" numeric(5,2), "peak_memory_percent" numeric(5,2), CONSTRAINT "PK_203ae1da8c07ca76a9d0e25cdb6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_capacity_snapshots_date" ON "capacity_snapshots"  ("snapshot_date") `,
    );
    await queryRunner.query(`CREATE TYPE "public"."addon_status" AS ENUM('ACTIVE', 'CANCELLED')`);
    await queryRunner.query(
      `CREATE TABLE "store_addons" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "store_id" integer NOT NULL, "addon_product_id" integer NOT NULL, "status" "public"."addon_status" NOT NULL DEFAULT 'ACTIVE', "domain_name" character varying(255), "quantity" integer NOT NULL DEFAULT '1', "stripe_subscription_item_id" character varying(100), "period_start" TIMESTAMP WITH TIME ZONE, "period_end" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5a2cabac91d742ca0333cb9364d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_store_addons_addon_product_id" ON "store_addons"  ("addon_product_id") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_addons_domain_name" ON "store_addons"  ("domain_name") `);
    await queryRunner.query(
      `CREATE INDEX "idx_store_addon_product" ON "store_addons"  ("store_id", "addon_product_id") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_addon_status" ON "store_addons"  ("store_id", "status") `);
    await queryRunner.query(
      `CREATE TYPE "public"."subscription_status" AS ENUM('TRIAL', 'ACTIVE', 'PAST_DUE', 'CANCELLED', 'EXPIRED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "store_subscriptions" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "store_platform_id" integer NOT NULL, "tier_id" integer, "status" "public"."subscription_status" NOT NULL DEFAULT 'TRIAL', "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "period_end" TIMESTAMP WITH TIME ZONE NOT NULL, "is_annual" boolean NOT NULL DEFAULT false, "trial_ends_at" TIMESTAMP WITH TIME ZONE, "card_collected_at" TIMESTAMP WITH TIME ZONE, "orders_this_period" integer NOT NULL DEFAULT '0', "orders_limit_reached_at" TIMESTAMP WITH TIME ZONE, "custom_orders_limit" integer, "custom_products_limit" integer, "custom_team_limit" integer, "stripe_customer_id" character varying(100), "stripe_subscription_id" character varying(100), "stripe_price_id" character varying(100), "stripe_payment_method_id" character varying(100), "proration_behavior" character varying(50) NOT NULL DEFAULT 'create_prorations', "scheduled_tier_id" integer, "scheduled_change_at" TIMESTAMP WITH TIME ZONE, "payment_retry_count" integer NOT NULL DEFAULT '0', "last_payment_error" text, "cancelled_at" TIMESTAMP WITH TIME ZONE, "cancellation_reason" text, CONSTRAINT "REL_32dd18d7d73d5122569b309d33" UNIQUE ("store_platform_id"), CONSTRAINT "ck_store_subscriptions_orders_this_period" CHECK ("orders_this_period" >= 0), CONSTRAINT "PK_325400ee6964d5c2a50b68d58e6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_subscriptions_store_platform" ON "store_subscriptions"  ("store_platform_id") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_subscriptions_tier_id" ON "store_subscriptions"  ("tier_id") `);
    await queryRunner.query(
      `CREATE INDEX "idx_store_subscriptions_stripe_customer_id" ON "store_subscriptions"  ("stripe_customer_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_subscriptions_stripe_subscription_id" ON "store_subscriptions"  ("stripe_subscription_id") WHERE "stripe_subscription_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_subscription_period" ON "store_subscriptions"  ("period_start", "period_end") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_subscription_status" ON "store_subscriptions"  ("status") `);
    await queryRunner.query(
      `CREATE TABLE "subscription_tiers" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "platform_id" integer, "code" character varying(30) NOT NULL, "name" character varying(100) NOT NULL, "description" text, "price_monthly_cents" integer NOT NULL, "price_annual_cents" integer, "orders_per_month" integer, "products_limit" integer, "team_members" integer, "order_history_months" integer, "cms_pages_limit" integer, "cms_custom_pages_limit" integer, "features" jsonb NOT NULL DEFAULT '[]', "stripe_product_id" character varying(100), "stripe_price_monthly_id" character varying(100), "stripe_price_annual_id" character varying(100), "display_order" integer NOT NULL DEFAULT '0', "is_active" boolean NOT NULL DEFAULT true, "is_public" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_376aa3503bf3278d69af3d711b7" PRIMARY KEY ("id")); COMMENT ON COLUMN "subscription_tiers"."platform_id" IS 'Platform this tier belongs to (NULL = global tier)'; COMMENT ON COLUMN "subscription_tiers"."cms_pages_limit" IS 'Total CMS pages limit (NULL = unlimited)'; COMMENT ON COLUMN "subscription_tiers"."cms_custom_pages_limit" IS 'Custom pages limit, excluding overrides (NULL = unlimited)'`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_subscription_tiers_platform_id" ON "subscription_tiers"  ("platform_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_subscription_tiers_stripe_price_monthly_id" ON "subscription_tiers"  ("stripe_price_monthly_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_subscription_tiers_stripe_price_annual_id" ON "subscription_tiers"  ("stripe_price_annual_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_tier_platform_active" ON "subscription_tiers"  ("platform_id", "is_active") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_subscription_tiers_global_code" ON "subscription_tiers"  ("code") WHERE "platform_id" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_subscription_tiers_platform_code" ON "subscription_tiers"  ("platform_id", "code") WHERE "platform_id" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "store_platforms" ADD "tier_id" integer`);
    await queryRunner.query(`COMMENT ON COLUMN "store_platforms"."tier_id" IS 'Platform-specific subscription tier'`);
    await queryRunner.query(`CREATE INDEX "idx_store_platforms_tier_id" ON "store_platforms"  ("tier_id") `);
    await queryRunner.query(
      `ALTER TABLE "store_platforms" ADD CONSTRAINT "FK_37370695e714f66069c1ae7e83c" FOREIGN KEY ("tier_id") REFERENCES "subscription_tiers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "features" ADD CONSTRAINT "FK_25fd0bf5ccdafda99309c2cdcc3" FOREIGN KEY ("minimum_tier_id") REFERENCES "subscription_tiers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "billing_history" ADD CONSTRAINT "FK_7ab789ce1438c4892d8755e8c06" FOREIGN KEY ("store_subscription_id") REFERENCES "store_subscriptions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_addons" ADD CONSTRAINT "FK_4ab1b1bb9ce769cb454f95acd48" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_addons" ADD CONSTRAINT "FK_659195caee36fc7a2ddf3d15787" FOREIGN KEY ("addon_product_id") REFERENCES "addon_products"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_subscriptions" ADD CONSTRAINT "FK_32dd18d7d73d5122569b309d33d" FOREIGN KEY ("store_platform_id") REFERENCES "store_platforms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_subscriptions" ADD CONSTRAINT "FK_19e4e23fff719a904ab421b7544" FOREIGN KEY ("tier_id") REFERENCES "subscription_tiers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_subscriptions" ADD CONSTRAINT "FK_19aa8b39bf462d9d19934633b36" FOREIGN KEY ("scheduled_tier_id") REFERENCES "subscription_tiers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "subscription_tiers" ADD CONSTRAINT "FK_2e495e5218f89c97ac275ca56a2" FOREIGN KEY ("platform_id") REFERENCES "platforms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "subscription_tiers" DROP CONSTRAINT "FK_2e495e5218f89c97ac275ca56a2"`);
    await queryRunner.query(`ALTER TABLE "store_subscriptions" DROP CONSTRAINT "FK_19aa8b39bf462d9d19934633b36"`);
    await queryRunner.query(`ALTER TABLE "store_subscriptions" DROP CONSTRAINT "FK_19e4e23fff719a904ab421b7544"`);
    await queryRunner.query(`ALTER TABLE "store_subscriptions" DROP CONSTRAINT "FK_32dd18d7d73d5122569b309d33d"`);
    await queryRunner.query(`ALTER TABLE "store_addons" DROP CONSTRAINT "FK_659195caee36fc7a2ddf3d15787"`);
    await queryRunner.query(`ALTER TABLE "store_addons" DROP CONSTRAINT "FK_4ab1b1bb9ce769cb454f95acd48"`);
    await queryRunner.query(`ALTER TABLE "billing_history" DROP CONSTRAINT "FK_7ab789ce1438c4892d8755e8c06"`);
    await queryRunner.query(`ALTER TABLE "features" DROP CONSTRAINT "FK_25fd0bf5ccdafda99309c2cdcc3"`);
    await queryRunner.query(`ALTER TABLE "store_platforms" DROP CONSTRAINT "FK_37370695e714f66069c1ae7e83c"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_platforms_tier_id"`);
    await queryRunner.query(`COMMENT ON COLUMN "store_platforms"."tier_id" IS 'Platform-specific subscription tier'`);
    await queryRunner.query(`ALTER TABLE "store_platforms" DROP COLUMN "tier_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_subscription_tiers_platform_code"`);
    await queryRunner.query(`DROP INDEX "public"."uq_subscription_tiers_global_code"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tier_platform_active"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subscription_tiers_stripe_price_annual_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subscription_tiers_stripe_price_monthly_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subscription_tiers_platform_id"`);
    await queryRunner.query(`DROP TABLE "subscription_tiers"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subscription_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subscription_period"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_subscriptions_stripe_subscription_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_subscriptions_stripe_customer_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_subscriptions_tier_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_subscriptions_store_platform"`);
    await queryRunner.query(`DROP TABLE "store_subscriptions"`);
    await queryRunner.query(`DROP TYPE "public"."subscription_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_addon_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_addon_product"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_addons_domain_name"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_addons_addon_product_id"`);
    await queryRunner.query(`DROP TABLE "store_addons"`);
    await queryRunner.query(`DROP TYPE "public"."addon_status"`);
    await queryRunner.query(`DROP INDEX "public"."uq_capacity_snapshots_date"`);
    await queryRunner.query(`DROP TABLE "capacity_snapshots"`);
    await queryRunner.query(`DROP INDEX "public"."idx_billing_subscription_date"`);
    await queryRunner.query(`DROP INDEX "public"."idx_billing_status"`);
    await queryRunner.query(`DROP INDEX "public"."uq_billing_history_stripe_invoice_id"`);
    await queryRunner.query(`DROP TABLE "billing_history"`);
    await queryRunner.query(`DROP INDEX "public"."idx_addon_products_category"`);
    await queryRunner.query(`DROP INDEX "public"."uq_addon_products_code"`);
    await queryRunner.query(`DROP TABLE "addon_products"`);
    await queryRunner.query(`DROP TYPE "public"."billing_period"`);
    await queryRunner.query(`DROP TYPE "public"."addon_category"`);
    await queryRunner.query(`DROP INDEX "public"."idx_feature_category_order"`);
    await queryRunner.query(`DROP INDEX "public"."idx_feature_active_visible"`);
    await queryRunner.query(`DROP INDEX "public"."idx_features_minimum_tier_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_features_category"`);
    await queryRunner.query(`DROP INDEX "public"."uq_features_code"`);
    await queryRunner.query(`DROP TABLE "features"`);
    await queryRunner.query(`DROP TYPE "public"."feature_ui_location"`);
    await queryRunner.query(`DROP TYPE "public"."feature_category"`);
  }
}
