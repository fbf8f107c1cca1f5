import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import pino from 'pino';

import { guardedListener } from './request-guard';

const lines: Array<Record<string, any>> = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  }),
);

async function serve(listener: Parameters<typeof guardedListener>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(
    guardedListener(log, (req, res) => {
      req.log = log.child({ reqId: 'req-1' });
      return listener(req, res);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('guardedListener', () => {
  beforeEach(() => (lines.length = 0));

  it.each([
    [
      'throws',
      () => {
        throw new Error('select * from secrets');
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error('select * from secrets');
      },
    ],
  ])('answers a listener that %s with a 500 naming no internals, logged with the request id', async (_, listener) => {
    const { url, server } = await serve(listener);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(lines).toEqual([
        expect.objectContaining({
          level: 50,
          reqId: 'req-1',
          msg: 'request failed',
          err: expect.objectContaining({ message: 'select * from secrets' }),
        }),
      ]);
      // The server is still there for the next request.
      expect((await fetch(url)).status).toBe(500);
    } finally {
      server.close();
    }
  });

  it('cuts the connection when the answer had already begun', async () => {
    const { url, server } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      throw new Error('late');
    });
    try {
      await expect(fetch(url).then((r) => r.text())).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
