import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { listenLocal, sqliteRelay, type TestRelay } from './helpers.ts';

// Answers Node's HTTP parser produces before Fastify sees a request, checked over a raw TCP
// socket (inject() bypasses the parser).

let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

/** Writes `chunks` (then nothing more) and collects everything until the server closes. */
function exchange(port: number, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      got += d;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no close; got: ${got}`)));
    for (const c of chunks) socket.write(c);
  });
}

function parse(raw: string): { status: number; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) };
}

async function counted(app: FastifyInstance, status: number): Promise<boolean> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  return new RegExp(`relay_http_requests_total\\{[^}]*status="${status}"\\} 1`).test(res.body);
}

describe('errors of the HTTP parser, in the documented shape', () => {
  it('400 for a malformed request line, counted', async () => {
    relay = await sqliteRelay();
    const port = await listenLocal(relay.app);
    const res = parse(await exchange(port, ['NOT AN HTTP REQUEST\r\n\r\n']));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid-request', message: 'malformed HTTP request' });
    expect(await counted(relay.app, 400)).toBe(true);
  });

  it('431 for headers over the limit, counted', async () => {
    relay = await sqliteRelay();
    const port = await listenLocal(relay.app);
    const big = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    const res = parse(await exchange(port, [big]));
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ error: 'headers-too-large', message: expect.any(String) });
    expect(await counted(relay.app, 431)).toBe(true);
  });

  it('408 for headers not received in time, counted', async () => {
    relay = await sqliteRelay({ timeouts: { headersMs: 300, checkIntervalMs: 50 } });
    const port = await listenLocal(relay.app);
    const started = Date.now();
    const res = parse(await exchange(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n']));
    expect(res.status).toBe(408);
    expect(res.body).toEqual({ error: 'request-timeout', message: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await counted(relay.app, 408)).toBe(true);
  });

  it('400 for a URL Fastify cannot decode, counted', async () => {
    relay = await sqliteRelay();
    const port = await listenLocal(relay.app);
    const res = parse(
      await exchange(port, [
        'GET /v1/inboxes/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid-request', message: 'malformed request URL' });
    expect(await counted(relay.app, 400)).toBe(true);
  });
});
