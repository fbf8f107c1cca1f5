import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateTenancy1795223263960 implements MigrationInterface {
  name = 'CreateTenancy1795223263960';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "customers" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "store_id" integer NOT NULL, "email" character varying(255) NOT NULL, "name" character varying(200), "phone" character varying(50), CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_customers_store_id" ON "customers"  ("store_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_customers_store_email_live" ON "customers"  ("store_id", "email") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "merchants" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "name" character varying(200) NOT NULL, "contact_email" character varying(255) NOT NULL, "owner_user_id" integer NOT NULL, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_4fd312ef25f8e05ad47bfe7ed25" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_merchants_owner_user_id" ON "merchants"  ("owner_user_id") `);
    await queryRunner.query(
      `CREATE TABLE "orders" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "store_id" integer NOT NULL, "customer_id" integer, "reference" character varying(100), "total_cents" integer NOT NULL, "currency" character(3) NOT NULL DEFAULT 'EUR', "placed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_orders_total_cents" CHECK ("total_cents" >= 0), CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_orders_customer_id" ON "orders"  ("customer_id") `);
    await queryRunner.query(`CREATE INDEX "idx_orders_store_placed_at" ON "orders"  ("store_id", "placed_at") `);
    await queryRunner.query(
      `CREATE TABLE "platforms" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "code" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "description" text, "domain" character varying(255), "is_active" boolean NOT NULL DEFAULT true, "settings" jsonb NOT NULL DEFAULT '{}'::jsonb, CONSTRAINT "PK_3b879853678f7368d46e52b81c6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_platforms_code" ON "platforms"  ("code") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_platforms_domain" ON "platforms"  ("domain") WHERE "domain" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "products" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "store_id" integer NOT NULL, "sku" character varying(100) NOT NULL, "name" character varying(255) NOT NULL, "price_cents" integer NOT NULL, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "ck_products_price_cents" CHECK ("price_cents" >= 0), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_products_store_id" ON "products"  ("store_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_products_store_sku_live" ON "products"  ("store_id", "sku") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "store_platforms" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "store_id" integer NOT NULL, "platform_id" integer NOT NULL, "is_active" boolean NOT NULL DEFAULT true, "is_primary" boolean NOT NULL DEFAULT false, "custom_subdomain" character varying(100), "settings" jsonb NOT NULL DEFAULT '{}'::jsonb, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d0c2708dd931bf31e1176745333" PRIMARY KEY ("id")); COMMENT ON COLUMN "store_platforms"."store_id" IS 'Reference to the store'; COMMENT ON COLUMN "store_platforms"."platform_id" IS 'Reference to the platform'; COMMENT ON COLUMN "store_platforms"."is_active" IS 'Whether the store is active on this platform'; COMMENT ON COLUMN "store_platforms"."is_primary" IS 'Whether this is the store''s primary platform'; COMMENT ON COLUMN "store_platforms"."custom_subdomain" IS 'Platform-specific subdomain (if different from main subdomain)'; COMMENT ON COLUMN "store_platforms"."settings" IS 'Platform-specific store settings'; COMMENT ON COLUMN "store_platforms"."joined_at" IS 'When the store joined this platform'`,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_platforms_store_id" ON "store_platforms"  ("store_id") `);
    await queryRunner.query(`CREATE INDEX "idx_store_platforms_platform_id" ON "store_platforms"  ("platform_id") `);
    await queryRunner.query(
      `CREATE INDEX "idx_store_platform_primary" ON "store_platforms"  ("store_id", "is_primary") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_store_platform_active" ON "store_platforms"  ("store_id", "platform_id", "is_active") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_platform_custom_subdomain" ON "store_platforms"  ("platform_id", "custom_subdomain") WHERE "custom_subdomain" IS NOT NULL AND "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_platform_one_primary" ON "store_platforms"  ("store_id") WHERE "is_primary" AND "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_platform" ON "store_platforms"  ("store_id", "platform_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(`CREATE TYPE "public"."store_role" AS ENUM('OWNER', 'MANAGER', 'STAFF')`);
    await queryRunner.query(
      `CREATE TABLE "store_users" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "store_id" integer NOT NULL, "user_id" integer NOT NULL, "role" "public"."store_role" NOT NULL, "is_active" boolean NOT NULL DEFAULT true, "invited_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "accepted_at" TIMESTAMP WITH TIME ZONE, "invitation_token_hash" character varying(64), "invitation_expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6af90d774177332a7a99a7c1c9d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_users_store_id" ON "store_users"  ("store_id") `);
    await queryRunner.query(`CREATE INDEX "idx_store_users_user_id" ON "store_users"  ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_users_invitation_token_hash" ON "store_users"  ("invitation_token_hash") WHERE "invitation_token_hash" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_store_users_store_user_live" ON "store_users"  ("store_id", "user_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "stores" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "merchant_id" integer NOT NULL, "store_code" character varying(50) NOT NULL, "subdomain" character varying(100) NOT NULL, "name" character varying(200) NOT NULL, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_7aa6e7d71fa7acdd7ca43d7c9cb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_stores_merchant_id" ON "stores"  ("merchant_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_stores_subdomain_live" ON "stores"  ("subdomain") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_stores_store_code_live" ON "stores"  ("store_code") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM('ADMIN', 'MERCHANT_OWNER', 'STORE_STAFF')`);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "email" character varying(255) NOT NULL, "username" character varying(100), "name" character varying(200), "password_hash" character varying(255), "role" "public"."user_role" NOT NULL, "is_active" boolean NOT NULL DEFAULT true, "last_login_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_users_username_live" ON "users"  ("username") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_users_email_live" ON "users"  ("email") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "customers" ADD CONSTRAINT "FK_03354705d6a8d22fb61f8b8a314" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "customers" ADD CONSTRAINT "FK_2501b8750977dd4f4d06dfeff07" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "merchants" ADD CONSTRAINT "FK_6692ccdca59d636ad24554d80cb" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "merchants" ADD CONSTRAINT "FK_601b7984c109a454f72d1f1029f" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "orders" ADD CONSTRAINT "FK_1c0d3955d5ae081e736d2877f87" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "orders" ADD CONSTRAINT "FK_b7a7bb813431fc7cd73cced0001" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "orders" ADD CONSTRAINT "FK_772d0ce0473ac2ccfa26060dbe9" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "products" ADD CONSTRAINT "FK_be9567d2926f392859b25e7c134" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "products" ADD CONSTRAINT "FK_68863607048a1abd43772b314ef" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_platforms" ADD CONSTRAINT "FK_9e25e9e5b70371c0631a5664d81" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_platforms" ADD CONSTRAINT "FK_ceef217bb1e54f5f3cae6558c73" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_platforms" ADD CONSTRAINT "FK_661cd1eef176e4ad4b8544b9edd" FOREIGN KEY ("platform_id") REFERENCES "platforms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_users" ADD CONSTRAINT "FK_d154a25b080d5818bed0942af2c" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_users" ADD CONSTRAINT "FK_3077a42ec6ad94cfb93f919359d" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_users" ADD CONSTRAINT "FK_d741d647a3ef6419a31592f8ad6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stores" ADD CONSTRAINT "FK_0dbc28aca7bde62bd0cabd79f05" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stores" ADD CONSTRAINT "FK_882687fd3a8a29fa5bf13858a5b" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_4241f21b9bb35e82a6217af1aad" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_4241f21b9bb35e82a6217af1aad"`);
    await queryRunner.query(`ALTER TABLE "stores" DROP CONSTRAINT "FK_882687fd3a8a29fa5bf13858a5b"`);
    await queryRunner.query(`ALTER TABLE "stores" DROP CONSTRAINT "FK_0dbc28aca7bde62bd0cabd79f05"`);
    await queryRunner.query(`ALTER TABLE "store_users" DROP CONSTRAINT "FK_d741d647a3ef6419a31592f8ad6"`);
    await queryRunner.query(`ALTER TABLE "store_users" DROP CONSTRAINT "FK_3077a42ec6ad94cfb93f919359d"`);
    await queryRunner.query(`ALTER TABLE "store_users" DROP CONSTRAINT "FK_d154a25b080d5818bed0942af2c"`);
    await queryRunner.query(`ALTER TABLE "store_platforms" DROP CONSTRAINT "FK_661cd1eef176e4ad4b8544b9edd"`);
    await queryRunner.query(`ALTER TABLE "store_platforms" DROP CONSTRAINT "FK_ceef217bb1e54f5f3cae6558c73"`);
    await queryRunner.query(`ALTER TABLE "store_platforms" DROP CONSTRAINT "FK_9e25e9e5b70371c0631a5664d81"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "FK_68863607048a1abd43772b314ef"`);
    await queryRunner.query(`ALTER TABLE "products" DROP CONSTRAINT "FK_be9567d2926f392859b25e7c134"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP CONSTRAINT "FK_772d0ce0473ac2ccfa26060dbe9"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP CONSTRAINT "FK_b7a7bb813431fc7cd73cced0001"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP CONSTRAINT "FK_1c0d3955d5ae081e736d2877f87"`);
    await queryRunner.query(`ALTER TABLE "merchants" DROP CONSTRAINT "FK_601b7984c109a454f72d1f1029f"`);
    await queryRunner.query(`ALTER TABLE "merchants" DROP CONSTRAINT "FK_6692ccdca59d636ad24554d80cb"`);
    await queryRunner.query(`ALTER TABLE "customers" DROP CONSTRAINT "FK_2501b8750977dd4f4d06dfeff07"`);
    await queryRunner.query(`ALTER TABLE "customers" DROP CONSTRAINT "FK_03354705d6a8d22fb61f8b8a314"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_email_live"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_username_live"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TYPE "public"."user_role"`);
    await queryRunner.query(`DROP INDEX "public"."uq_stores_store_code_live"`);
    await queryRunner.query(`DROP INDEX "public"."uq_stores_subdomain_live"`);
    await queryRunner.query(`DROP INDEX "public"."idx_stores_merchant_id"`);
    await queryRunner.query(`DROP TABLE "stores"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_users_store_user_live"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_users_invitation_token_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_users_user_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_users_store_id"`);
    await queryRunner.query(`DROP TABLE "store_users"`);
    await queryRunner.query(`DROP TYPE "public"."store_role"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_platform"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_platform_one_primary"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_platform_custom_subdomain"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_platform_active"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_platform_primary"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_platforms_platform_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_platforms_store_id"`);
    await queryRunner.query(`DROP TABLE "store_platforms"`);
    await queryRunner.query(`DROP INDEX "public"."uq_products_store_sku_live"`);
    await queryRunner.query(`DROP INDEX "public"."idx_products_store_id"`);
    await queryRunner.query(`DROP TABLE "products"`);
    await queryRunner.query(`DROP INDEX "public"."uq_platforms_domain"`);
    await queryRunner.query(`DROP INDEX "public"."uq_platforms_code"`);
    await queryRunner.query(`DROP TABLE "platforms"`);
    await queryRunner.query(`DROP INDEX "public"."idx_orders_store_placed_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_orders_customer_id"`);
    await queryRunner.query(`DROP TABLE "orders"`);
    await queryRunner.query(`DROP INDEX "public"."idx_merchants_owner_user_id"`);
    await queryRunner.query(`DROP TABLE "merchants"`);
    await queryRunner.query(`DROP INDEX "public"."uq_customers_store_email_live"`);
    await queryRunner.query(`DROP INDEX "public"."idx_customers_store_id"`);
    await queryRunner.query(`DROP TABLE "customers"`);
  }
}
