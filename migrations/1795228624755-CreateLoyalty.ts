import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateLoyalty1795228624755 implements MigrationInterface {
  name = 'CreateLoyalty1795228624755';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "apple_device_registrations" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "device_library_identifier" character varying(100) NOT NULL, "push_token" character varying(200) NOT NULL, "pass_type_identifier" character varying(100) NOT NULL, "card_id" integer NOT NULL, CONSTRAINT "PK_a15b3d4ee83d4aba88120e9d5c9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_apple_device_registrations_card_id" ON "apple_device_registrations"  ("card_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_apple_device_registrations" ON "apple_device_registrations"  ("device_library_identifier", "pass_type_identifier", "card_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "loyalty_cards" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "merchant_id" integer NOT NULL, "customer_id" integer NOT NULL, "program_id" integer NOT NULL, "enrolled_at_store_id" integer, "card_number" character varying(20) NOT NULL, "qr_code_data" character varying(50) NOT NULL, "stamp_count" integer NOT NULL DEFAULT '0', "total_stamps_earned" integer NOT NULL DEFAULT '0', "stamps_redeemed" integer NOT NULL DEFAULT '0', "points_balance" integer NOT NULL DEFAULT '0', "total_points_earned" integer NOT NULL DEFAULT '0', "points_redeemed" integer NOT NULL DEFAULT '0', "total_points_voided" integer NOT NULL DEFAULT '0', "google_object_id" character varying(200), "google_object_jwt" character varying(2000), "apple_serial_number" character varying(100), "apple_auth_token" character varying(100), "last_stamp_at" TIMESTAMP WITH TIME ZONE, "last_points_at" TIMESTAMP WITH TIME ZONE, "last_redemption_at" TIMESTAMP WITH TIME ZONE, "last_activity_at" TIMESTAMP WITH TIME ZONE, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "ck_loyalty_cards_stamp_count_nonneg" CHECK ("stamp_count" >= 0), CONSTRAINT "ck_loyalty_cards_points_balance_nonneg" CHECK ("points_balance" >= 0), CONSTRAINT "PK_a6f17521640723e5ca1607904e9" PRIMARY KEY ("id")); COMMENT ON COLUMN "loyalty_cards"."merchant_id" IS 'Merchant whose program this card belongs to'; COMMENT ON COLUMN "loyalty_cards"."enrolled_at_store_id" IS 'Store where customer enrolled (for analytics)'`,
    );
    await queryRunner.query(`CREATE INDEX "idx_loyalty_cards_merchant_id" ON "loyalty_cards"  ("merchant_id") `);
    await queryRunner.query(`CREATE INDEX "idx_loyalty_cards_customer_id" ON "loyalty_cards"  ("customer_id") `);
    await queryRunner.query(`CREATE INDEX "idx_loyalty_cards_program_id" ON "loyalty_cards"  ("program_id") `);
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_cards_enrolled_at_store_id" ON "loyalty_cards"  ("enrolled_at_store_id") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_loyalty_cards_card_number" ON "loyalty_cards"  ("card_number") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_cards_qr_code_data" ON "loyalty_cards"  ("qr_code_data") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_cards_google_object_id" ON "loyalty_cards"  ("google_object_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_cards_apple_serial_number" ON "loyalty_cards"  ("apple_serial_number") WHERE "apple_serial_number" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "idx_loyalty_cards_is_active" ON "loyalty_cards"  ("is_active") `);
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_card_merchant_active" ON "loyalty_cards"  ("merchant_id", "is_active") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_cards_merchant_customer_live" ON "loyalty_cards"  ("merchant_id", "customer_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(`CREATE TYPE "public"."loyalty_type" AS ENUM('STAMPS', 'POINTS', 'HYBRID')`);
    await queryRunner.query(
      `CREATE TABLE "loyalty_programs" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by_id" integer, "merchant_id" integer NOT NULL, "loyalty_type" "public"."loyalty_type" NOT NULL DEFAULT 'POINTS', "stamps_target" integer NOT NULL DEFAULT '10', "stamps_reward_description" character varying(255) NOT NULL DEFAULT 'Free item', "stamps_reward_value_cents" integer, "points_per_euro" integer NOT NULL DEFAULT '1', "points_rewards" jsonb NOT NULL DEFAULT '[]', "points_expiration_days" integer, "welcome_bonus_points" integer NOT NULL DEFAULT '0', "minimum_redemption_points" integer NOT NULL DEFAULT '100', "minimum_purchase_cents" integer NOT NULL DEFAULT '0', "tier_config" jsonb, "cooldown_minutes" integer NOT NULL DEFAULT '15', "max_daily_stamps" integer NOT NULL DEFAULT '5', "require_staff_pin" boolean NOT NULL DEFAULT true, "card_name" character varying(100), "card_color" character varying(7) NOT NULL DEFAULT '#4F46E5', "card_secondary_color" character varying(7), "logo_url" character varying(500), "hero_image_url" character varying(500), "google_issuer_id" character varying(100), "google_class_id" character varying(200), "apple_pass_type_id" character varying(100), "terms_text" text, "privacy_url" character varying(500), "is_active" boolean NOT NULL DEFAULT true, "activated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9911f010986d7730cc744f91ff4" PRIMARY KEY ("id")); COMMENT ON COLUMN "loyalty_programs"."merchant_id" IS 'Merchant that owns this program (chain-wide)'; COMMENT ON COLUMN "loyalty_programs"."stamps_target" IS 'Number of stamps needed for reward'; COMMENT ON COLUMN "loyalty_programs"."stamps_reward_value_cents" IS 'Value of stamp reward in cents (for analytics)'; COMMENT ON COLUMN "loyalty_programs"."points_per_euro" IS 'Points earned per whole euro spent'; COMMENT ON COLUMN "loyalty_programs"."minimum_purchase_cents" IS 'Minimum purchase (cents) to earn points (0 = no minimum)'; COMMENT ON COLUMN "loyalty_programs"."tier_config" IS 'Future: tier thresholds'; COMMENT ON COLUMN "loyalty_programs"."cooldown_minutes" IS 'Minutes between stamps for same card'; COMMENT ON COLUMN "loyalty_programs"."max_daily_stamps" IS 'Maximum stamps per card per day'`,
    );
    await queryRunner.query(`CREATE INDEX "idx_loyalty_programs_is_active" ON "loyalty_programs"  ("is_active") `);
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_program_merchant_active" ON "loyalty_programs"  ("merchant_id", "is_active") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_programs_merchant_live" ON "loyalty_programs"  ("merchant_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."loyalty_transaction_type" AS ENUM('WELCOME_BONUS', 'STAMP_EARNED', 'STAMP_REWARD_REDEEMED', 'POINTS_EARNED', 'POINTS_REDEEMED', 'POINTS_VOIDED', 'POINTS_EXPIRED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "loyalty_transactions" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "card_id" integer NOT NULL, "type" "public"."loyalty_transaction_type" NOT NULL, "stamps_delta" integer NOT NULL DEFAULT '0', "points_delta" integer NOT NULL DEFAULT '0', "stamps_after" integer NOT NULL, "points_after" integer NOT NULL, "store_id" integer, "staff_pin_id" integer, "staff_name" character varying(100), "purchase_amount_cents" integer, "order_reference" character varying(100), "reward_id" character varying(50), "reason" character varying(500), "related_transaction_id" integer, "idempotency_key" character varying(100), CONSTRAINT "PK_df453f678b7575221b335673362" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_transactions_store_id" ON "loyalty_transactions"  ("store_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_loyalty_transactions_card_type_created" ON "loyalty_transactions"  ("card_id", "type", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_transactions_voided_once" ON "loyalty_transactions"  ("related_transaction_id") WHERE "type" = 'POINTS_VOIDED' AND "related_transaction_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_loyalty_transactions_card_idempotency_key" ON "loyalty_transactions"  ("card_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "staff_pins" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "program_id" integer NOT NULL, "store_id" integer, "staff_name" character varying(100) NOT NULL, "pin_hash" character varying(64) NOT NULL, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_58fec9fdc0ad94bca222defe6a4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_staff_pins_program_id" ON "staff_pins"  ("program_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_staff_pins_program_pin" ON "staff_pins"  ("program_id", "pin_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "staff_pin_lockouts" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "program_id" integer NOT NULL, "store_id" integer NOT NULL, "failed_attempts" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_45187c13821d2b864214c576bd4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_staff_pin_lockouts_program_store" ON "staff_pin_lockouts"  ("program_id", "store_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "merchants" ADD "time_zone" character varying(50) NOT NULL DEFAULT 'Europe/Luxembourg'`,
    );
    await queryRunner.query(
      `ALTER TABLE "apple_device_registrations" ADD CONSTRAINT "FK_db526b056a8944d2e36623bcefd" FOREIGN KEY ("card_id") REFERENCES "loyalty_cards"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_cards" ADD CONSTRAINT "FK_83d40c1d8079de427f664a3166d" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_cards" ADD CONSTRAINT "FK_9485cdcda68dbabe85586a46072" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_cards" ADD CONSTRAINT "FK_84e56ecb7ab9a1b3c438ecea4d8" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_cards" ADD CONSTRAINT "FK_b065aaf37bbe653234171e157a8" FOREIGN KEY ("program_id") REFERENCES "loyalty_programs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_cards" ADD CONSTRAINT "FK_414e8df967c2d6eaaf67b55aa21" FOREIGN KEY ("enrolled_at_store_id") REFERENCES "stores"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_programs" ADD CONSTRAINT "FK_4346b23fdd6ad8a3ee5a8b9a0a2" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_programs" ADD CONSTRAINT "FK_70d9b730140050974f309e31018" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_transactions" ADD CONSTRAINT "FK_5fead8137eeb5b2a0168e854d7a" FOREIGN KEY ("card_id") REFERENCES "loyalty_cards"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_transactions" ADD CONSTRAINT "FK_4b7b2d3af0429962c9a5d18fa23" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_transactions" ADD CONSTRAINT "FK_d1fc99b12762d21fac3ea257ba2" FOREIGN KEY ("staff_pin_id") REFERENCES "staff_pins"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "loyalty_transactions" ADD CONSTRAINT "FK_7392208ef97718dcbedf5b702e7" FOREIGN KEY ("related_transaction_id") REFERENCES "loyalty_transactions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "staff_pins" ADD CONSTRAINT "FK_941bada57b3bd59076c56a2df32" FOREIGN KEY ("program_id") REFERENCES "loyalty_programs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "staff_pins" ADD CONSTRAINT "FK_8fa6364b77a840ae1b47705bf77" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "staff_pin_lockouts" ADD CONSTRAINT "FK_1205bc4c8568ed567962200bd15" FOREIGN KEY ("program_id") REFERENCES "loyalty_programs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "staff_pin_lockouts" ADD CONSTRAINT "FK_40ec10d600d74eb0960fbd73027" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_pin_lockouts" DROP CONSTRAINT "FK_40ec10d600d74eb0960fbd73027"`);
    await queryRunner.query(`ALTER TABLE "staff_pin_lockouts" DROP CONSTRAINT "FK_1205bc4c8568ed567962200bd15"`);
    await queryRunner.query(`ALTER TABLE "staff_pins" DROP CONSTRAINT "FK_8fa6364b77a840ae1b47705bf77"`);
    await queryRunner.query(`ALTER TABLE "staff_pins" DROP CONSTRAINT "FK_941bada57b3bd59076c56a2df32"`);
    await queryRunner.query(`ALTER TABLE "loyalty_transactions" DROP CONSTRAINT "FK_7392208ef97718dcbedf5b702e7"`);
    await queryRunner.query(`ALTER TABLE "loyalty_transactions" DROP CONSTRAINT "FK_d1fc99b12762d21fac3ea257ba2"`);
    await queryRunner.query(`ALTER TABLE "loyalty_transactions" DROP CONSTRAINT "FK_4b7b2d3af0429962c9a5d18fa23"`);
    await queryRunner.query(`ALTER TABLE "loyalty_transactions" DROP CONSTRAINT "FK_5fead8137eeb5b2a0168e854d7a"`);
    await queryRunner.query(`ALTER TABLE "loyalty_programs" DROP CONSTRAINT "FK_70d9b730140050974f309e31018"`);
    await queryRunner.query(`ALTER TABLE "loyalty_programs" DROP CONSTRAINT "FK_4346b23fdd6ad8a3ee5a8b9a0a2"`);
    await queryRunner.query(`ALTER TABLE "loyalty_cards" DROP CONSTRAINT "FK_414e8df967c2d6eaaf67b55aa21"`);
    await queryRunner.query(`ALTER TABLE "loyalty_cards" DROP CONSTRAINT "FK_b065aaf37bbe653234171e157a8"`);
    await queryRunner.query(`ALTER TABLE "loyalty_cards" DROP CONSTRAINT "FK_84e56ecb7ab9a1b3c438ecea4d8"`);
    await queryRunner.query(`ALTER TABLE "loyalty_cards" DROP CONSTRAINT "FK_9485cdcda68dbabe85586a46072"`);
    await queryRunner.query(`ALTER TABLE "loyalty_cards" DROP CONSTRAINT "FK_83d40c1d8079de427f664a3166d"`);
    await queryRunner.query(
      `ALTER TABLE "apple_device_registrations" DROP CONSTRAINT "FK_db526b056a8944d2e36623bcefd"`,
    );
    await queryRunner.query(`ALTER TABLE "merchants" DROP COLUMN "time_zone"`);
    await queryRunner.query(`DROP INDEX "public"."uq_staff_pin_lockouts_program_store"`);
    await queryRunner.query(`DROP TABLE "staff_pin_lockouts"`);
    await queryRunner.query(`DROP INDEX "public"."uq_staff_pins_program_pin"`);
    await queryRunner.query(`DROP INDEX "public"."idx_staff_pins_program_id"`);
    await queryRunner.query(`DROP TABLE "staff_pins"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_transactions_card_idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_transactions_voided_once"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_transactions_card_type_created"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_transactions_store_id"`);
    await queryRunner.query(`DROP TABLE "loyalty_transactions"`);
    await queryRunner.query(`DROP TYPE "public"."loyalty_transaction_type"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_programs_merchant_live"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_program_merchant_active"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_programs_is_active"`);
    await queryRunner.query(`DROP TABLE "loyalty_programs"`);
    await queryRunner.query(`DROP TYPE "public"."loyalty_type"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_cards_merchant_customer_live"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_card_merchant_active"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_is_active"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_cards_apple_serial_number"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_google_object_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_cards_qr_code_data"`);
    await queryRunner.query(`DROP INDEX "public"."uq_loyalty_cards_card_number"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_enrolled_at_store_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_program_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_customer_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_loyalty_cards_merchant_id"`);
    await queryRunner.query(`DROP TABLE "loyalty_cards"`);
    await queryRunner.query(`DROP INDEX "public"."uq_apple_device_registrations"`);
    await queryRunner.query(`DROP INDEX "public"."idx_apple_device_registrations_card_id"`);
    await queryRunner.query(`DROP TABLE "apple_device_registrations"`);
  }
}
