import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateStoreApiKeys1795228257012 implements MigrationInterface {
  name = 'CreateStoreApiKeys1795228257012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "store_api_keys" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "store_id" integer NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(8) NOT NULL, "key_hash" character varying(64) NOT NULL, "created_by_id" integer, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by_id" integer, CONSTRAINT "ck_store_api_keys_revoked_by" CHECK ("revoked_by_id" IS NULL OR "revoked_at" IS NOT NULL), CONSTRAINT "ck_store_api_keys_key_hash" CHECK ("key_hash" ~ '^[0-9a-f]{64}$'), CONSTRAINT "PK_c62d313076908031969178123e9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_store_api_keys_store_id" ON "store_api_keys"  ("store_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_store_api_keys_key_hash" ON "store_api_keys"  ("key_hash") `);
    await queryRunner.query(
      `ALTER TABLE "store_api_keys" ADD CONSTRAINT "FK_a659536177e9da1fe024b7d2d54" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_api_keys" ADD CONSTRAINT "FK_e83aedc14ebe81f46f90323e615" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_api_keys" ADD CONSTRAINT "FK_35df4ecaad63ef66f0c11f14666" FOREIGN KEY ("revoked_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_api_keys" DROP CONSTRAINT "FK_35df4ecaad63ef66f0c11f14666"`);
    await queryRunner.query(`ALTER TABLE "store_api_keys" DROP CONSTRAINT "FK_e83aedc14ebe81f46f90323e615"`);
    await queryRunner.query(`ALTER TABLE "store_api_keys" DROP CONSTRAINT "FK_a659536177e9da1fe024b7d2d54"`);
    await queryRunner.query(`DROP INDEX "public"."uq_store_api_keys_key_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_store_api_keys_store_id"`);
    await queryRunner.query(`DROP TABLE "store_api_keys"`);
  }
}
