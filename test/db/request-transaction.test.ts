import * as openingBatch from '../../src/db/opening-batch';
import { asSystem, RequestTransaction, systemOpening } from '../../src/db/request-transaction';
import { viewerOpening } from '../../src/services/tenancy/viewer';
import { createTenant, unique } from '../factories/tenancy';
import { testServer } from '../support/server';

/**
 * The request transaction's own promises, seen from the database: a
 * service's transaction is a savepoint (its work stays or goes alone); a
 * COMMIT that PostgreSQL turned into a rollback is reported, not taken for
 * success; a request that will not write gets a READ ONLY transaction whose
 * end rides with its connection's next use, and nothing ever runs inside a
 * transaction it does not own; a connection whose opening failed is not
 * used again.
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

  const backend = (manager: RequestTransaction<void>['manager']) =>
    manager
      .query(`SELECT pg_backend_pid() AS pid, now() AS started`)
      .then(([row]) => row as { pid: number; started: Date });

  it('opens READ ONLY for a request that will not write, and ends it before anything else runs on its connection', async () => {
    const reader = opened();
    reader.willNotWrite();
    const before = await backend(reader.manager);
    await expect(addUser(reader.manager, `${unique('refused-')}@example.lu`)).rejects.toThrow(
      /cannot execute INSERT in a read-only transaction/,
    );
    await reader.finish(true);

    // The pool hands out the connection released last: the next statement, from a request or not, runs on it.
    const [plain] = await server.dataSource.query(`SELECT pg_backend_pid() AS pid, now() AS started`);
    expect(plain.pid).toBe(before.pid);
    expect(plain.started.getTime()).toBeGreaterThan(before.started.getTime());

    const writer = opened();
    const after = await backend(writer.manager);
    expect(after.pid).toBe(before.pid);
    expect(after.started.getTime()).toBeGreaterThan(plain.started.getTime());
    await addUser(writer.manager, `${unique('written-')}@example.lu`);
    await writer.finish(true);
  });

  it('ends a read-only transaction nobody follows within milliseconds: no connection sits idle in it', async () => {
    // Another connection watches: the pool would hand the reader's own back for the check.
    const watcher = server.dataSource.createQueryRunner();
    await watcher.connect();
    try {
      const reader = opened();
      reader.willNotWrite();
      const { pid } = await backend(reader.manager);
      await reader.finish(true);
      const stateOf = async () =>
        (await watcher.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid]))[0].state as string;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await stateOf()).toBe('idle');
    } finally {
      await watcher.release();
    }
  });

  it('does not use a connection again after its opening failed', async () => {
    const failing = new RequestTransaction(
      server.dataSource,
      { userId: null, sqlStatements: 0 },
      // Fails, naming its connection: invalid input syntax for type integer: "<pid>x".
      { text: `SELECT (pg_backend_pid()::text || 'x')::int AS never`, values: [], read: () => undefined },
    );
    const error: Error = await failing.value().then(
      () => new Error('the opening succeeded'),
      (e: Error) => e,
    );
    const failedPid = Number(/"(\d+)x"/.exec(error.message)?.[1]);
    expect(failedPid).toBeGreaterThan(0);
    await expect(failing.finish(false)).resolves.toBeUndefined();
    const next = opened();
    expect((await backend(next.manager)).pid).not.toBe(failedPid);
    await next.finish(false);
  });

  it('opens a GraphQL query READ ONLY and a mutation read-write, whoever reads the viewer first', async () => {
    const tenant = await createTenant(server);
    const batches = jest.spyOn(openingBatch, 'queryAfter');
    try {
      const begins = async (query: string, variables: Record<string, unknown> = {}) => {
        batches.mockClear();
        await server.ok(query, variables, { token: tenant.ownerToken });
        return batches.mock.calls.map(([, ahead]) => ahead.map((s) => s.text).find((t) => t.startsWith('BEGIN')));
      };
      expect(await begins(`{ me { email } store(id: "${tenant.storeId}") { name } }`)).toEqual(['BEGIN READ ONLY']);
      expect(
        await begins(`mutation($input: UpdateStoreInput!) { updateStore(input: $input) { userErrors { code } } }`, {
          input: { id: tenant.storeId, name: unique('renamed-') },
        }),
      ).toEqual(['BEGIN']);
    } finally {
      batches.mockRestore();
    }
  });
});
