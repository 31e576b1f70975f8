import { getEventListeners } from 'node:events';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../src/relay/backoff.ts';
import { RelayClientError } from '../src/relay/errors.ts';
import { messageIdFor } from '../src/relay/message-id.ts';
import {
  type ReceivedMessage,
  RelayClient,
  type RelayClientOptions,
  requestSignal,
} from '../src/relay/relay-client.ts';
import { StateStore } from '../src/store/state-store.ts';
import { tempDir } from './helpers.ts';
import { FEDERATION, startRelay, type TestRelay, testKey } from './relay-harness.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };

let t: ReturnType<typeof tempDir>;
let relay: TestRelay;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  t = tempDir();
  relay = await startRelay(t.dir);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await relay.app.close();
  t.cleanup();
});

/** Counts requests by route and lets a test alter them. */
type Tap = { calls: string[]; fetch: typeof fetch };
function tap(
  intercept?: (
    url: string,
    init: RequestInit | undefined,
    real: typeof fetch,
  ) => Promise<Response> | undefined,
): Tap {
  const calls: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input);
    const route = `${init?.method ?? 'GET'} ${new URL(url).pathname}`;
    calls.push(route);
    return (intercept?.(url, init, fetch) ?? fetch(input, init)) as Promise<Response>;
  };
  return { calls, fetch: wrapped };
}

function client(party: number, opts: Partial<RelayClientOptions> = {}): RelayClient {
  return new RelayClient({
    url: relay.url,
    federation: FEDERATION,
    party: String(party),
    secretKey: testKey(party),
    backoff: FAST_BACKOFF,
    ...opts,
  });
}

const count = (tp: Tap, route: string) => tp.calls.filter((c) => c === route).length;

describe('message id', () => {
  it('depends on the recipient set and the exact bytes only', () => {
    const e = utf8ToBytes('envelope');
    expect(messageIdFor(['2', '1'], e)).toBe(messageIdFor(['1', '2', '2'], e));
    expect(messageIdFor(['1'], e)).not.toBe(messageIdFor(['1', '2'], e));
    expect(messageIdFor('all', e)).not.toBe(messageIdFor(['1', '2', '3'], e));
    expect(messageIdFor('all', e)).not.toBe(messageIdFor('all', utf8ToBytes('envelopE')));
    expect(messageIdFor('all', e)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('backoff', () => {
  it('doubles up to the cap with a random half taken off', () => {
    const b = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, b, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, b, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffDelay(1_000, DEFAULT_BACKOFF, () => 0.5)).toBe(7_500);
  });
});

describe('relay client against the real relay', () => {
  it('posts, reads and acknowledges; a repeated post is a duplicate, not a second message', async () => {
    const a = client(1);
    const b = client(2);
    const env = utf8ToBytes('{"kind":"test","n":1}');
    const first = await a.post(['2'], env);
    expect(first).toEqual({ id: messageIdFor(['2'], env), recipients: ['2'], duplicate: false });
    expect(await a.post(['2'], env)).toEqual({ ...first, duplicate: true });
    const r = await b.read();
    expect(r.messages).toHaveLength(1);
    const m = r.messages[0]!;
    expect([m.from, m.id, m.inputId, text(m.envelope)]).toEqual([
      '1',
      first.id,
      `1/${first.id}`,
      text(env),
    ]);
    expect(await b.ack(m.seq)).toBe(m.seq);
    expect(await b.status()).toEqual({ party: '2', cursor: m.seq, depth: 0 });
    // `all` reaches every member but the sender.
    expect((await a.post('all', utf8ToBytes('x'))).recipients.sort()).toEqual(['2', '3']);
  });

  it('a post whose answer was lost is retried as a duplicate: one message in the inbox', async () => {
    let lost = 0;
    const tp = tap((url, init, real) => {
      if (init?.method === 'POST' && url.endsWith('/v1/messages') && lost++ === 0) {
        // The relay stores it; the answer never reaches the client.
        return real(url, init).then(() => {
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        });
      }
      return undefined;
    });
    const delays: number[] = [];
    const a = client(1, {
      fetch: tp.fetch,
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
    });
    const r = await a.post(['2'], utf8ToBytes('once'));
    expect(r.duplicate).toBe(true);
    expect(count(tp, 'POST /v1/messages')).toBe(2);
    expect(delays).toEqual([15]);
    const inbox = await client(2).read();
    expect(inbox.messages.map((m) => text(m.envelope))).toEqual(['once']);
  });

  it('retries 5xx and 429 with backoff and jitter, honouring Retry-After', async () => {
    let failures = 0;
    const tp = tap((url, init) => {
      if (init?.method !== 'POST' || !url.endsWith('/v1/messages')) return undefined;
      failures++;
      if (failures <= 3) {
        return Promise.resolve(
          Response.json({ error: 'unavailable', message: 'store unavailable' }, { status: 503 }),
        );
      }
      if (failures === 4) {
        return Promise.resolve(
          Response.json(
            { error: 'rate-limited', message: 'slow down' },
            { status: 429, headers: { 'retry-after': '2' } },
          ),
        );
      }
      if (failures === 5)
        return Promise.resolve(new Response('<html>bad gateway</html>', { status: 502 }));
      return undefined;
    });
    const delays: number[] = [];
    const a = client(1, {
      fetch: tp.fetch,
      backoff: { initialMs: 100, maxMs: 10_000 },
      random: () => 0.5,
      sleep: async (ms) => void delays.push(ms),
    });
    expect((await a.post(['3'], utf8ToBytes('eventually'))).duplicate).toBe(false);
    expect(delays).toEqual([75, 150, 300, 2_000, 1_200]);
    expect(count(tp, 'POST /v1/messages')).toBe(6);
  });

  it('a 4xx is a typed error and is not retried', async () => {
    const tp = tap();
    const a = client(1, { fetch: tp.fetch });
    const err = await a.post(['99'], utf8ToBytes('to nobody')).catch((e) => e);
    expect(err).toBeInstanceOf(RelayClientError);
    expect([err.status, err.code, err.retryable]).toEqual([400, 'invalid-request', false]);
    expect(count(tp, 'POST /v1/messages')).toBe(1);

    // A key the relay does not know: the signed token request is refused, once.
    const outsiderTap = tap();
    const outsider = client(1, { fetch: outsiderTap.fetch, secretKey: testKey(9) });
    const denied = await outsider.post(['2'], utf8ToBytes('x')).catch((e) => e);
    expect([denied.status, denied.code, denied.retryable]).toEqual([401, 'unauthenticated', false]);
    expect(outsiderTap.calls).toEqual(['POST /v1/auth/token']);
    expect(JSON.stringify(denied)).not.toMatch(/PEG-BIP340|Bearer/);
  });

  it('bad input is refused before any request', async () => {
    const tp = tap();
    const a = client(1, { fetch: tp.fetch });
    await expect(a.post([], utf8ToBytes('x'))).rejects.toThrow();
    await expect(a.post(['2'], new Uint8Array())).rejects.toThrow(/envelope/);
    expect(tp.calls).toEqual([]);
    expect(() => client(1, { url: `${relay.url}/prefix` })).toThrow(/origin/);
  });

  it('signs one token request, then uses the bearer token until shortly before it expires', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    await relay.app.close();
    relay = await startRelay(t.dir, 0, { now });
    const tp = tap();
    const a = client(1, { fetch: tp.fetch, now, renewBeforeMs: 60_000 });
    for (let i = 0; i < 3; i++) await a.status();
    expect(count(tp, 'POST /v1/auth/token')).toBe(1);
    offset += 4 * 60_000 + 1_000; // inside the last minute of the 5-minute token
    await a.status();
    expect(count(tp, 'POST /v1/auth/token')).toBe(2);
    expect(count(tp, 'GET /v1/inboxes/1')).toBe(4);
  });

  it('concurrent calls share one token request; one caller stopping does not fail the others', async () => {
    const tp = tap();
    const a = client(1, { fetch: tp.fetch });
    const stop = new AbortController();
    const stopped = a.post(['2'], utf8ToBytes('abandoned'), { signal: stop.signal });
    const kept = a.post(['3'], utf8ToBytes('kept'));
    stop.abort();
    const [s, k] = await Promise.allSettled([stopped, kept]);
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason.code).toBe('aborted');
    expect(k.status).toBe('fulfilled');
    expect(count(tp, 'POST /v1/auth/token')).toBe(1);
    expect((await client(3).read()).messages.map((m) => text(m.envelope))).toEqual(['kept']);
  });

  it('consume acknowledges a message only after the handler persisted its result', async () => {
    const store = StateStore.open(`${t.dir}/state.sqlite`, {
      stateKey: new Uint8Array(32).fill(1),
    });
    cleanups.push(() => store.close());
    const a = client(1);
    for (const n of [1, 2, 3]) await a.post(['2'], utf8ToBytes(`m${n}`));

    const b = client(2);
    const seen: string[] = [];
    // Persists each input, but "crashes" after persisting m2 and before returning.
    const handle = (crashOn?: string) => async (m: ReceivedMessage) => {
      seen.push(text(m.envelope));
      if (store.isProcessed(m.inputId)) return;
      store.commitStep({
        state: { last: text(m.envelope) },
        timers: {},
        outbox: [],
        inputId: m.inputId,
      });
      if (text(m.envelope) === crashOn) throw new Error('crash after persist');
    };
    const stop = new AbortController();
    await expect(b.consume(handle('m2'), { signal: stop.signal, waitMs: 200 })).rejects.toThrow(
      'crash after persist',
    );
    const status = await b.status();
    // m1 acknowledged, m2 persisted but not acknowledged: it comes again.
    const first = (await b.read({ after: 0 })).messages[0]!;
    expect(status.cursor).toBe(first.seq);
    expect(status.depth).toBe(2);

    const consumer = b.consume(
      async (m) => {
        await handle()(m);
        if (text(m.envelope) === 'm3') stop.abort();
      },
      { signal: stop.signal, waitMs: 200 },
    );
    await consumer;
    expect(seen).toEqual(['m1', 'm2', 'm2', 'm3']);
    // Each input changed the state once.
    expect(store.load()).toMatchObject({ version: 3, state: { last: 'm3' } });
    expect((await b.status()).depth).toBe(0);
  });

  it('survives the relay being killed and restarted mid-poll: re-authenticates and delivers', async () => {
    const port = relay.port;
    let pollsStarted = 0;
    let pollStarted: () => void = () => {};
    const firstPoll = new Promise<void>((resolve) => {
      pollStarted = resolve;
    });
    const tp = tap((url) => {
      if (url.includes('/messages?')) {
        pollsStarted++;
        pollStarted();
      }
      return undefined;
    });
    const b = client(2, { fetch: tp.fetch, requestTimeoutMs: 2_000 });
    const received: string[] = [];
    const stop = new AbortController();
    const consumer = b.consume(
      async (m) => {
        received.push(text(m.envelope));
        stop.abort();
      },
      { signal: stop.signal, waitMs: 5_000 },
    );
    await firstPoll;
    await new Promise((r) => setTimeout(r, 100)); // the long-poll is waiting inside the relay
    await relay.kill();
    await new Promise((r) => setTimeout(r, 300)); // the client retries against a closed port
    relay = await startRelay(t.dir, port); // same file, new token secret
    const a = client(1);
    await a.post(['2'], utf8ToBytes('after restart'));
    await consumer;
    expect(received).toEqual(['after restart']);
    expect(pollsStarted).toBeGreaterThan(1);
    // The old bearer token died with the first process: a second token was requested.
    expect(count(tp, 'POST /v1/auth/token')).toBeGreaterThanOrEqual(2);
    expect((await b.status()).depth).toBe(0);
  });

  it('consume stops when aborted during a long-poll', async () => {
    const b = client(3);
    const stop = new AbortController();
    const started = Date.now();
    const consumer = b.consume(async () => {}, { signal: stop.signal, waitMs: 10_000 });
    setTimeout(() => stop.abort(), 200);
    await consumer;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('request signal', () => {
  /** Node's record of composites following `signal` (internal; absent when nothing follows it). */
  const dependants = (signal: AbortSignal): number => {
    const key = Object.getOwnPropertySymbols(signal).find(
      (s) => s.description === 'kDependantSignals',
    );
    return key === undefined ? 0 : (signal as unknown as Record<symbol, Set<unknown>>)[key]!.size;
  };

  it('aborts with the parent or after its time; done() leaves nothing on the parent', async () => {
    const parent = new AbortController();
    const a = requestSignal(10_000, parent.signal);
    parent.abort(new Error('stopping'));
    expect(a.signal.aborted).toBe(true);
    expect(a.timedOut()).toBe(false);
    a.done();

    const b = requestSignal(20);
    await new Promise((r) => setTimeout(r, 60));
    expect(b.signal.aborted).toBe(true);
    expect(b.timedOut()).toBe(true);

    const stop = new AbortController();
    const c = requestSignal(10_000, stop.signal);
    c.done();
    stop.abort();
    expect(c.signal.aborted).toBe(false);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it("a long-lived client's requests leave no trace on its stop signal", async () => {
    const a = client(1);
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) await a.read({ waitMs: 0, signal: stop.signal });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(dependants(stop.signal)).toBe(0);
  });
});
