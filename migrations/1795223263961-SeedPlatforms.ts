import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference data: the two platforms every deployment has, on the local development domains. */
export class SeedPlatforms1795223263961 implements MigrationInterface {
  name = 'SeedPlatforms1795223263961';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "platforms" ("code", "name", "description", "domain") VALUES
        ('oms', 'Order Management', 'Orders, products, customers and team for merchants', 'oms.localhost'),
        ('loyalty', 'Loyalty', 'Stamp and points cards with wallet passes', 'loyalty.localhost')
       ON CONFLICT ("code") DO NOTHING`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "platforms" WHERE "code" IN ('oms', 'loyalty')`);
  }
}
