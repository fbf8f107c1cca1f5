import { RequestTransaction, asSystem, systemOpening } from '../../src/db/request-transaction';
import { viewerOpening } from '../../src/services/tenancy/viewer';
import { unique } from '../factories/tenancy';
import { testServer } from '../support/server';

/**
 * The request transaction's own promises, seen from the database: a
 * service's transaction is a savepoint (its work stays or goes alone), and a
 * COMMIT that PostgreSQL turned into a rollback is reported, not taken for
 * success.
 */
const server = testServer();

const opened = () =>
  new RequestTransaction(server.dataSource, { userId: null, sqlStatements: 0 }, systemOpening('test.transaction'));
const usersNamed = async (email: string) =>
  (await server.sql(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]))[0].n as number;
const addUser = (manager: RequestTransaction<void>['manager'], email: string) =>
  manager.query(`INSERT INTO users (email, role) VALUES ($1, 'STORE_STAFF')`, [email]);

describe('the request transaction', () => {
  it("keeps what a service's transaction committed and drops what one rolled back, then commits", async () => {
    const transaction = opened();
    const [kept, dropped] = [`${unique('kept-')}@example.lu`, `${unique('dropped-')}@example.lu`];
    await transaction.manager.transaction((em) => addUser(em, kept));
    await expect(
      transaction.manager.transaction(async (em) => {
        await addUser(em, dropped);
        throw new Error('the service changed its mind');
      }),
    ).rejects.toThrow('the service changed its mind');
    await transaction.finish(true);
    expect(await usersNamed(kept)).toBe(1);
    expect(await usersNamed(dropped)).toBe(0);
  });

  it('reports a COMMIT that PostgreSQL turned into a rollback (a statement failed outside any savepoint)', async () => {
    const transaction = opened();
    const name = `${unique('lost-')}@example.lu`;
    await addUser(transaction.manager, name);
    await expect(transaction.manager.query(`SELECT 1 / 0`)).rejects.toThrow(/division by zero/);
    await expect(transaction.finish(true)).rejects.toThrow('The transaction ended with ROLLBACK: nothing was saved');
    expect(await usersNamed(name)).toBe(0);
  });

  it('runs work for no caller as orion_system, named in orion.context, and a request back as itself after asSystem', async () => {
    const transaction = opened();
    const who = async () =>
      (
        await transaction.manager.query(
          `SELECT current_user AS role, current_setting('orion.context', true) AS context`,
        )
      )[0];
    expect(await who()).toEqual({ role: 'orion_system', context: 'system:test.transaction' });
    await transaction.finish(false);

    const request = new RequestTransaction(
      server.dataSource,
      { userId: null, sqlStatements: 0 },
      viewerOpening(null, () => new Date()),
    );
    const asRequest = async () =>
      (
        await request.manager.query(`SELECT current_user AS role, current_setting('orion.context', true) AS context`)
      )[0];
    expect(await asRequest()).toEqual({ role: 'orion_app', context: 'request' });
    expect(await asSystem(request.manager, 'test.lookup', asRequest)).toEqual({
      role: 'orion_system',
      context: 'system:test.lookup',
    });
    expect(await asRequest()).toEqual({ role: 'orion_app', context: 'request' });
    await request.finish(false);
  });
});
