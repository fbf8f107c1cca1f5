import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A version of the reference catalogue (platforms, tiers, features) that
 * every change to those tables moves on, in the changing transaction: the
 * server keeps the catalogue in memory and reloads it only when the version
 * it reads with each request's viewer differs. A row, not a sequence, so the
 * new version is seen exactly when the change is.
 */
export class CatalogVersion1795232000000 implements MigrationInterface {
  name = 'CatalogVersion1795232000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "catalog_version" ("id" boolean PRIMARY KEY DEFAULT true CHECK ("id"), "version" integer NOT NULL DEFAULT 1)`,
    );
    await queryRunner.query(`INSERT INTO "catalog_version" DEFAULT VALUES`);
    await queryRunner.query(
      `CREATE FUNCTION "bump_catalog_version"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE "catalog_version" SET "version" = "version" + 1;
         RETURN NULL;
       END $$`,
    );
    for (const table of ['platforms', 'subscription_tiers', 'features']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_catalog_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION "bump_catalog_version"()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['platforms', 'subscription_tiers', 'features']) {
      await queryRunner.query(`DROP TRIGGER "${table}_catalog_version" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "bump_catalog_version"()`);
    await queryRunner.query(`DROP TABLE "catalog_version"`);
  }
}
