import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { EventHub } from '../src/http/event-hub.ts';
import type { Readiness } from '../src/http/health.ts';
import { createMetricsRegistry, relayMessagesGauge } from '../src/http/metrics.ts';
import {
  createOperatorServer,
  eventStreamMetrics,
  listenApi,
  registerOperatorRoutes,
  streamEvents,
} from '../src/http/server.ts';
import type { EventStream, EventStreamOptions } from '../src/http/sse.ts';
import { type ReceivedEvent, readEventStream } from '../src/http/sse-client.ts';

/** A listener's error fails the emitting test instead of vanishing. */
const rethrow = (err: unknown): never => {
  throw err;
};
const TOKEN = 'test-operator-token-0123456789abcdefghij';
type TestEvent = { type: 'tick'; n: number };

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Built = { app: FastifyInstance; hub: EventHub<TestEvent>; stream: EventStream };

async function build(
  opts: { ready?: () => Readiness; sse?: EventStreamOptions; registry?: Registry } = {},
): Promise<Built> {
  const registry = opts.registry ?? createMetricsRegistry();
  const app = await createOperatorServer({
    name: 'peg-test',
    description: 'test API',
    version: '0.0.0',
    operatorToken: TOKEN,
    metrics: registry,
    metricsPrefix: 'peg_test',
    ready: opts.ready ?? (() => ({ ready: true })),
  });
  apps.push(app);
  const hub = new EventHub<TestEvent>(rethrow);
  const stream = streamEvents(app, hub, {
    ...opts.sse,
    epoch: 'run1',
    metrics: eventStreamMetrics(registry, 'peg_test'),
  });
  await registerOperatorRoutes(app, { operatorToken: TOKEN, realm: 'peg-test' }, async (v1) => {
    v1.get('/ping', { schema: { summary: 'ping' } }, async () => ({ pong: true }));
    v1.get('/events', { schema: { summary: 'events' } }, (request, reply) =>
      stream.serve(request, reply),
    );
  });
  return { app, hub, stream };
}

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('operator server: inject', () => {
  test('operator routes refuse a missing, wrong, shorter, longer or malformed token alike', async () => {
    const { app } = await build();
    const refusals = [
      {},
      { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      { authorization: `Bearer ${TOKEN.slice(0, 8)}` },
      { authorization: `Bearer ${TOKEN}${TOKEN}` },
      { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
    ];
    for (const headers of refusals) {
      const res = await app.inject({ method: 'GET', url: '/v1/ping', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthenticated', message: 'operator token required' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="peg-test"');
      expect(res.body).not.toContain(TOKEN.slice(0, 8));
    }
    const ok = await app.inject({ method: 'GET', url: '/v1/ping', headers: bearer });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ pong: true });
    // An unknown path is a plain 404 (the route list is public at /docs anyway).
    expect((await app.inject({ method: 'GET', url: '/v1/nothing' })).statusCode).toBe(404);
  });

  test('health: readiness decides the status; liveness is always ok; no token needed', async () => {
    let readiness: Readiness = { ready: true };
    const { app } = await build({ ready: () => readiness });
    const ok = await app.inject({ method: 'GET', url: '/health' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ok' });
    readiness = { ready: false, reason: 'relay unreachable' };
    const down = await app.inject({ method: 'GET', url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable', reason: 'relay unreachable' });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({
      status: 'ok',
    });
  });

  test('a failing readiness check is a 503 with a fixed reason (its error stays in the log)', async () => {
    const { app } = await build({
      ready: () => {
        throw new Error('db password wrong: hunter2');
      },
    });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toBe('readiness check failed');
    expect(res.body).not.toContain('hunter2');
  });

  test('metrics: default process metrics, request counts, stream gauges', async () => {
    const { app } = await build();
    await app.inject({ method: 'GET', url: '/v1/ping', headers: bearer });
    await app.inject({ method: 'GET', url: '/v1/ping' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
    expect(res.body).toMatch(
      /peg_test_http_requests_total\{method="GET",route="\/v1\/ping",status="200"\} 1/,
    );
    expect(res.body).toMatch(
      /peg_test_http_requests_total\{method="GET",route="\/v1\/ping",status="401"\} 1/,
    );
    expect(res.body).toContain('peg_test_sse_clients 0');
  });

  test('one registry can serve two app instances (a restart inside one process)', async () => {
    const registry = createMetricsRegistry();
    await build({ registry });
    const { app } = await build({ registry });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  test('OpenAPI lists the routes and marks health public, /v1 token-only', async () => {
    const { app } = await build();
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/health', '/health/live', '/v1/events', '/v1/ping'].sort(),
    );
    expect(doc.components.securitySchemes.operatorToken).toEqual({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  test('unknown routes answer the error shape', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not-found', message: 'no such route' });
  });
});

describe('operator server: event stream over loopback', () => {
  async function served(sse?: EventStreamOptions) {
    const built = await build(sse ? { sse } : {});
    const { port } = await listenApi(built.app, { port: 0 });
    return { ...built, url: `http://127.0.0.1:${port}/v1/events` };
  }

  /** Reads events until `n` arrived (or the stream ended). */
  async function take(it: AsyncGenerator<ReceivedEvent>, n: number): Promise<ReceivedEvent[]> {
    const out: ReceivedEvent[] = [];
    while (out.length < n) {
      const r = await it.next();
      if (r.done) break;
      out.push(r.value);
    }
    return out;
  }

  test('listens on loopback by default', async () => {
    const { app } = await build();
    const address = await listenApi(app, { port: 0 });
    expect(address.address).toBe('127.0.0.1');
  });

  test('events arrive in order with ids; a new client gets only live events', async () => {
    const { hub, stream, url } = await served();
    hub.emit({ type: 'tick', n: 0 }); // before anyone listens: not replayed to a new client
    const ac = new AbortController();
    const it = readEventStream(url, { token: TOKEN, signal: ac.signal });
    const first = it.next();
    await until(() => stream.stats().clients === 1, 'the client');
    for (let n = 1; n <= 50; n++) hub.emit({ type: 'tick', n });
    const got = [(await first).value as ReceivedEvent, ...(await take(it, 49))];
    expect(got.map((e) => JSON.parse(e.data).n)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `run1-${i + 2}`));
    expect(new Set(got.map((e) => e.event))).toEqual(new Set(['tick']));
    ac.abort();
  });

  test('Last-Event-ID resumes after the last event seen; an evicted one gets a gap first', async () => {
    const { hub, url } = await served({ capacity: 5 });
    for (let n = 1; n <= 8; n++) hub.emit({ type: 'tick', n }); // ring keeps run1-4..run1-8
    const ac = new AbortController();
    const resumed = await take(
      readEventStream(url, { token: TOKEN, lastEventId: 'run1-6', signal: ac.signal }),
      2,
    );
    expect(resumed.map((e) => [e.id, JSON.parse(e.data).n])).toEqual([
      ['run1-7', 7],
      ['run1-8', 8],
    ]);
    const lost = await take(
      readEventStream(url, { token: TOKEN, lastEventId: 'run1-2', signal: ac.signal }),
      6,
    );
    expect(lost[0]?.event).toBe('gap');
    expect(JSON.parse(lost[0]?.data ?? '')).toEqual({ lastEventId: 'run1-2', oldest: 'run1-4' });
    expect(lost.slice(1).map((e) => e.id)).toEqual([4, 5, 6, 7, 8].map((s) => `run1-${s}`));
    // An id of another process run: everything retained, with a gap.
    const other = await take(
      readEventStream(url, { token: TOKEN, lastEventId: 'run0-99', signal: ac.signal }),
      1,
    );
    expect(other[0]?.event).toBe('gap');
    ac.abort();
  });

  test('the stream needs the token', async () => {
    const { url } = await served();
    await expect(take(readEventStream(url), 1)).rejects.toThrow(/HTTP 401/);
    await expect(take(readEventStream(url, { token: `${TOKEN}x` }), 1)).rejects.toThrow(/HTTP 401/);
  });

  test('a client that goes away is forgotten at once; closing the app ends the rest', async () => {
    const { app, hub, stream, url } = await served();
    const a = new AbortController();
    const b = new AbortController();
    const itA = readEventStream(url, { token: TOKEN, signal: a.signal });
    const itB = readEventStream(url, { token: TOKEN, signal: b.signal });
    const [pa, pb] = [itA.next(), itB.next()];
    await until(() => stream.stats().clients === 2, 'two clients');
    hub.emit({ type: 'tick', n: 1 });
    await Promise.all([pa, pb]);
    a.abort();
    await until(() => stream.stats().clients === 1, 'the first client to be forgotten');
    expect(hub.size).toBe(1);
    const end = itB.next();
    await app.close();
    expect((await end).done).toBe(true);
    expect(stream.stats().clients).toBe(0);
    expect(hub.size).toBe(0);
  });

  test('heartbeat comments keep an idle stream alive', async () => {
    const { url } = await served({ heartbeatMs: 20 });
    const res = await fetch(url, { headers: bearer });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(': keep-alive\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.startsWith('retry: 3000\n\n')).toBe(true);
    expect(text).toContain(': keep-alive\n\n');
    await reader.cancel();
  });

  test('a client that does not read is dropped once its buffer passes the bound', async () => {
    const { app, hub, stream } = await served({ maxBufferedBytes: 64 * 1024 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    socket.pause(); // never reads: the kernel buffers fill, then Node's
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await until(() => stream.stats().clients === 1, 'the slow client');
    const big = 'x'.repeat(16 * 1024);
    for (let n = 0; n < 4_000 && stream.stats().dropped === 0; n++)
      hub.emit({ type: 'tick', n, pad: big } as TestEvent);
    expect(stream.stats().dropped).toBe(1);
    expect(stream.stats().clients).toBe(0);
    socket.resume();
    await closed;
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('peg_test_sse_dropped_clients_total 1');
  });

  test('clients past the limit get 503', async () => {
    const { stream, url } = await served({ maxClients: 1 });
    const ac = new AbortController();
    const it = readEventStream(url, { token: TOKEN, signal: ac.signal });
    void it.next().catch(() => {});
    await until(() => stream.stats().clients === 1, 'the first client');
    await expect(take(readEventStream(url, { token: TOKEN }), 1)).rejects.toThrow(/HTTP 503/);
    ac.abort();
  });
});

describe('relay message counters', () => {
  test('each scrape reads the current host; no host yet reads 0', async () => {
    const registry = createMetricsRegistry();
    let counters: { stepped: number; refused: number; sent: number } | undefined;
    relayMessagesGauge(registry, 'peg_test', () => counters);
    expect(await registry.metrics()).toMatch(/^peg_test_relay_messages_total\{kind="sent"\} 0$/m);
    counters = { stepped: 27, refused: 1, sent: 2 };
    const text = await registry.metrics();
    expect(text).toMatch(/^peg_test_relay_messages_total\{kind="stepped"\} 27$/m);
    expect(text).toMatch(/^peg_test_relay_messages_total\{kind="refused"\} 1$/m);
    expect(text).toMatch(/^peg_test_relay_messages_total\{kind="sent"\} 2$/m);
  });
});
