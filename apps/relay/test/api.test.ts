import { join } from 'node:path';
import { signRelayRequest } from '@peg/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { postBodyLimit } from '../src/app.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import type { RelayStore } from '../src/store/types.ts';
import {
  as,
  hex,
  secretKey,
  signed,
  sqliteRelay,
  type TestRelay,
  tempDir,
  tokenFor,
} from './helpers.ts';

let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

const post = (id: string, to: 'all' | string[], text: string) => ({ id, to, envelope: hex(text) });

describe('API v1 with a SQLite store', () => {
  it('posts to one party, which reads it in order and acknowledges', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    for (let i = 0; i < 3; i++) {
      const res = await as(app, '1', 'POST', '/v1/messages', post(`m${i}`, ['2'], `hello ${i}`));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: `m${i}`, recipients: ['2'], duplicate: false });
    }
    const read = await as(app, '2', 'GET', '/v1/inboxes/2/messages');
    expect(read.statusCode).toBe(200);
    const body = read.json();
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual(['m0', 'm1', 'm2']);
    expect(body.messages[0].from).toBe('1');
    expect(Buffer.from(body.messages[2].envelope, 'hex').toString()).toBe('hello 2');
    expect(body.cursor).toBe(0);
    const ack = await as(app, '2', 'POST', '/v1/inboxes/2/ack', { cursor: body.messages[1].seq });
    expect(ack.json()).toEqual({ cursor: body.messages[1].seq });
    const again = await as(app, '2', 'GET', '/v1/inboxes/2/messages');
    expect(again.json().messages.map((m: { id: string }) => m.id)).toEqual(['m2']);
    const status = await as(app, '2', 'GET', '/v1/inboxes/2');
    expect(status.json()).toEqual({ party: '2', cursor: body.messages[1].seq, depth: 1 });
    // Nothing for party 3.
    expect((await as(app, '3', 'GET', '/v1/inboxes/3/messages')).json().messages).toEqual([]);
  });

  it('broadcasts to all but the sender, and to several', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const all = await as(app, '1', 'POST', '/v1/messages', post('b', 'all', 'to all'));
    expect(all.json().recipients).toEqual(['2', '3', '4']);
    const some = await as(app, '1', 'POST', '/v1/messages', post('s', ['3', '4', '3'], 'to some'));
    expect(some.json().recipients).toEqual(['3', '4']);
    const ids = async (p: string) =>
      (await as(app, p, 'GET', `/v1/inboxes/${p}/messages`))
        .json()
        .messages.map((m: { id: string }) => m.id);
    expect(await ids('1')).toEqual([]);
    expect(await ids('2')).toEqual(['b']);
    expect(await ids('3')).toEqual(['b', 's']);
    expect(await ids('4')).toEqual(['b', 's']);
  });

  it('is idempotent by message id: same bytes stored once, other bytes 409', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const first = await as(app, '1', 'POST', '/v1/messages', post('x', ['2', '3'], 'one'));
    const retry = await as(app, '1', 'POST', '/v1/messages', post('x', ['3', '2'], 'one'));
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ ...first.json(), duplicate: true });
    const other = await as(app, '1', 'POST', '/v1/messages', post('x', ['2', '3'], 'two'));
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toBe('conflict');
    const otherTo = await as(app, '1', 'POST', '/v1/messages', post('x', ['2'], 'one'));
    expect(otherTo.statusCode).toBe(409);
    // Ids are per sender: party 4 may use "x" too.
    expect((await as(app, '4', 'POST', '/v1/messages', post('x', ['2'], 'four'))).statusCode).toBe(
      200,
    );
    const inbox = (await as(app, '2', 'GET', '/v1/inboxes/2/messages')).json().messages;
    expect(inbox.map((m: { id: string; from: string }) => `${m.from}:${m.id}`)).toEqual([
      '1:x',
      '4:x',
    ]);
    expect(Buffer.from(inbox[0].envelope, 'hex').toString()).toBe('one');
  });

  it('pages an inbox in order with after/limit/next', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    for (let i = 0; i < 20; i++) {
      await as(app, String((i % 3) + 2), 'POST', '/v1/messages', post(`p${i}`, ['1'], `n${i}`));
    }
    const seen: string[] = [];
    let after = 0;
    for (let page = 0; page < 5; page++) {
      const r = (await as(app, '1', 'GET', `/v1/inboxes/1/messages?after=${after}&limit=7`)).json();
      seen.push(
        ...r.messages.map((m: { envelope: string }) => Buffer.from(m.envelope, 'hex').toString()),
      );
      const seqs = r.messages.map((m: { seq: number }) => m.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      after = r.next;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
  });

  it('long-poll wakes on arrival', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const token = await tokenFor(app, '2');
    const waiting = app.inject({
      method: 'GET',
      url: '/v1/inboxes/2/messages?wait=30000',
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r) => setTimeout(r, 50));
    await as(app, '1', 'POST', '/v1/messages', post('w', ['2'], 'wake'));
    // If the poll did not wake it would answer after 30 s; 10 s is the generous bound here.
    const res = await Promise.race([
      waiting,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    expect(res).not.toBe('timeout');
    if (res === 'timeout') return;
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual(['w']);
  });

  it('returns an empty batch when a long-poll times out, and at shutdown', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const res = await as(app, '2', 'GET', '/v1/inboxes/2/messages?wait=50');
    expect(res.json()).toEqual({ messages: [], cursor: 0, next: 0 });
    const waiting = as(app, '2', 'GET', '/v1/inboxes/2/messages?wait=30000');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const closing = relay.close();
    relay = undefined;
    const atShutdown = await waiting;
    await closing;
    expect(atShutdown.statusCode).toBe(200);
    expect(atShutdown.json()).toEqual({ messages: [], cursor: 0, next: 0 });
    expect(Date.now() - started).toBeLessThan(10_000); // woken by the shutdown, not the 30 s
  });

  it('acks move forward only and never past the last message', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    await as(app, '1', 'POST', '/v1/messages', post('a', ['2'], 'a'));
    await as(app, '1', 'POST', '/v1/messages', post('b', ['2'], 'b'));
    const [m1, m2] = (await as(app, '2', 'GET', '/v1/inboxes/2/messages')).json().messages;
    expect(
      (await as(app, '2', 'POST', '/v1/inboxes/2/ack', { cursor: m2.seq })).json().cursor,
    ).toBe(m2.seq);
    expect(
      (await as(app, '2', 'POST', '/v1/inboxes/2/ack', { cursor: m1.seq })).json().cursor,
    ).toBe(m2.seq);
    const ahead = await as(app, '2', 'POST', '/v1/inboxes/2/ack', { cursor: m2.seq + 100 });
    expect(ahead.statusCode).toBe(400);
  });

  it('bearer tokens: obtained by a signature, accepted, and not usable to mint tokens', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const token = await tokenFor(app, '1');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: post('t', ['2'], 'tok'),
    });
    expect(res.statusCode).toBe(200);
    const mint = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(mint.statusCode).toBe(401);
    const tampered = token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/inboxes/1/messages',
      headers: { authorization: `Bearer ${tampered}` },
    });
    expect(bad.statusCode).toBe(401);
    const other = await app.inject({
      method: 'GET',
      url: '/v1/inboxes/1/messages',
      headers: { authorization: `Bearer ${token.replace(/^1\./, '2.')}` },
    });
    expect(other.statusCode).toBe(401);
  });
});

describe('API v1 errors', () => {
  it('401: missing, malformed, unknown key, stale, replayed, wrong path or body', async () => {
    let now = 1_800_000_000_000;
    relay = await sqliteRelay({ now: () => now });
    const { app } = relay;
    const url = '/v1/inboxes/1/messages';
    const get = (authorization?: string, u = url) =>
      app.inject({ method: 'GET', url: u, headers: authorization ? { authorization } : {} });
    expect((await get()).statusCode).toBe(401);
    expect((await get('PEG-BIP340 party=1')).json().error).toBe('unauthenticated');
    expect((await get('Basic abc')).statusCode).toBe(401);
    // Unknown party id, and a known id signed with another key.
    expect((await get(signed(app, '9', 9, 'GET', url))).statusCode).toBe(401);
    expect((await get(signed(app, '1', 2, 'GET', url))).json().message).toMatch(/bad-signature/);
    // Outside the window either way (60 s).
    expect((await get(signed(app, '1', 1, 'GET', url, '', now - 61_000))).json().message).toMatch(
      /stale/,
    );
    expect((await get(signed(app, '1', 1, 'GET', url, '', now + 61_000))).json().message).toMatch(
      /stale/,
    );
    expect((await get(signed(app, '1', 1, 'GET', url, '', now + 59_000))).statusCode).toBe(200);
    // Replay of the same header.
    const h = signed(app, '1', 1, 'GET', url);
    expect((await get(h)).statusCode).toBe(200);
    expect((await get(h)).json().message).toMatch(/replayed/);
    // The same header on another query string.
    const h2 = signed(app, '1', 1, 'GET', url);
    expect((await get(h2, `${url}?limit=1`)).json().message).toMatch(/bad-signature/);
    // A signature over another body.
    const body = JSON.stringify(post('z', ['2'], 'z'));
    const wrongBody = signed(app, '1', 1, 'POST', '/v1/messages', `${body} `);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: wrongBody, 'content-type': 'application/json' },
      payload: body,
    });
    expect(res.statusCode).toBe(401);
    // Tokens expire.
    const token = await tokenFor(app, '1');
    now += 5 * 60_000 + 1;
    expect((await get(`Bearer ${token}`)).json().message).toMatch(/expired/);
  });

  it('refuses signatures made before the process started (replay across restarts)', async () => {
    const now = 1_800_000_000_000;
    relay = await sqliteRelay({ now: () => now });
    const h = signRelayRequest(secretKey(1), {
      federation: 'test',
      method: 'GET',
      pathAndQuery: '/v1/inboxes/1/messages',
      body: new Uint8Array(),
      timestamp: now - 1000,
      party: '1',
    });
    const res = await relay.app.inject({
      method: 'GET',
      url: '/v1/inboxes/1/messages',
      headers: { authorization: h },
    });
    expect(res.statusCode).toBe(401);
  });

  it('403: reading or acknowledging another party inbox; members-only and admin-only routes', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    expect((await as(app, '1', 'GET', '/v1/inboxes/2/messages')).statusCode).toBe(403);
    expect((await as(app, '1', 'POST', '/v1/inboxes/2/ack', { cursor: 0 })).statusCode).toBe(403);
    expect((await as(app, '1', 'GET', '/v1/inboxes/2')).json().error).toBe('forbidden');
    expect((await as(app, 'ops', 'POST', '/v1/messages', post('o', ['1'], 'x'))).statusCode).toBe(
      403,
    );
    expect((await as(app, '1', 'POST', '/v1/admin/members/reload')).statusCode).toBe(403);
  });

  it('413: oversize bodies and envelopes', async () => {
    relay = await sqliteRelay({ bodyLimit: 4096, maxEnvelopeBytes: 1000 });
    const { app } = relay;
    const big = await as(app, '1', 'POST', '/v1/messages', post('big', ['2'], 'x'.repeat(5000)));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('payload-too-large');
    const env = await as(app, '1', 'POST', '/v1/messages', post('env', ['2'], 'x'.repeat(1001)));
    expect(env.statusCode).toBe(413);
  });

  it('the default body limit holds a maximal envelope next to a maximal `to` list', async () => {
    relay = await sqliteRelay({ maxEnvelopeBytes: 1000 });
    const { app } = relay;
    const to = Array.from({ length: 1024 }, (_, i) => `p${String(i).padStart(63, '0')}`);
    const body = { id: 'm'.repeat(128), to, envelope: 'ab'.repeat(1000) };
    expect(JSON.stringify(body).length).toBeLessThanOrEqual(postBodyLimit(1000));
    // With a token: a signed request's body is capped lower (read before the signature check).
    const token = await tokenFor(app, '1');
    const postWithToken = (payload: unknown) =>
      app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const res = await postWithToken(body);
    // Not refused for its size: the recipients are simply not members.
    expect(res.statusCode).toBe(400);
    const over = { ...body, envelope: `${'ab'.repeat(1000)}${'c'.repeat(postBodyLimit(1000))}` };
    expect((await postWithToken(over)).statusCode).toBe(413);
  });

  it('415 for a body that is not JSON', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: {
        authorization: signed(app, '1', 1, 'POST', '/v1/messages', 'x=1'),
        'content-type': 'text/plain',
      },
      payload: 'x=1',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('unsupported-media-type');
  });

  it('429 for a flooding key, others unaffected', async () => {
    // A fixed clock: no refill during the test, whatever the machine's speed.
    const now = 1_800_000_000_000;
    relay = await sqliteRelay({ rateLimit: { perSecond: 1, burst: 5 }, now: () => now });
    const { app } = relay;
    const t1 = await tokenFor(app, '1');
    const t2 = await tokenFor(app, '2');
    const read = (t: string, p: string) =>
      app.inject({
        method: 'GET',
        url: `/v1/inboxes/${p}/messages`,
        headers: { authorization: `Bearer ${t}` },
      });
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await read(t1, '1')).statusCode);
    // The token request took one token of key 1's burst of 5.
    expect(codes.filter((c) => c === 200).length).toBe(4);
    expect(codes.filter((c) => c === 429).length).toBe(16);
    const limited = await read(t1, '1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await read(t2, '2')).statusCode).toBe(200);
  });

  it('429 for an address that keeps failing authentication, before any signature check', async () => {
    const now = 1_800_000_000_000;
    relay = await sqliteRelay({
      auth: { failureLimit: { perSecond: 1, burst: 5 } },
      now: () => now,
    });
    const { app } = relay;
    const url = '/v1/inboxes/1/messages';
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await app.inject({
        method: 'GET',
        url,
        remoteAddress: '10.0.0.9',
        headers: { authorization: signed(app, '1', 2, 'GET', url) },
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    const other = await app.inject({
      method: 'GET',
      url,
      remoteAddress: '10.0.0.10',
      headers: { authorization: signed(app, '1', 1, 'GET', url) },
    });
    expect(other.statusCode).toBe(200);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/relay_auth_failures_total\{reason="bad-signature"\} 5/);
  });

  it('400 with the schema issue', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    const res = await as(app, '1', 'POST', '/v1/messages', { id: 'a', to: ['2'], envelope: 'XYZ' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid-request');
    expect(body.issues[0].path).toEqual(['body', 'envelope']);
    const extra = await as(app, '1', 'POST', '/v1/messages', { ...post('a', ['2'], 'a'), more: 1 });
    expect(extra.statusCode).toBe(400);
    const unknown = await as(app, '1', 'POST', '/v1/messages', post('a', ['77'], 'a'));
    expect(unknown.json().message).toMatch(/unknown recipient/);
    const q = await as(app, '1', 'GET', '/v1/inboxes/1/messages?limit=0');
    expect(q.json().issues[0].path).toEqual(['querystring', 'limit']);
    const notJson = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: {
        authorization: signed(app, '1', 1, 'POST', '/v1/messages', '{'),
        'content-type': 'application/json',
      },
      payload: '{',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('--check-sender: 403 for an envelope claiming another sender, 400 for a non-envelope', async () => {
    relay = await sqliteRelay({ checkSender: true });
    const { app } = relay;
    const X = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
    const envelope = (partyId: number) =>
      hex(JSON.stringify({ kind: 'k', sender: { partyId, publicKey: X } }));
    const own = await as(app, '1', 'POST', '/v1/messages', {
      id: 'o',
      to: ['2'],
      envelope: envelope(1),
    });
    expect(own.statusCode).toBe(200);
    const forged = await as(app, '1', 'POST', '/v1/messages', {
      id: 'f',
      to: ['2'],
      envelope: envelope(3),
    });
    expect(forged.statusCode).toBe(403);
    const opaque = await as(app, '1', 'POST', '/v1/messages', post('p', ['2'], 'not json'));
    expect(opaque.statusCode).toBe(400);
    expect((await as(app, '2', 'GET', '/v1/inboxes/2/messages')).json().messages.length).toBe(1);
  });

  it('5xx never leaks internals', async () => {
    const t = tempDir();
    const real = new SqliteStore(join(t.dir, 'r.sqlite'));
    const broken: RelayStore = {
      name: 'sqlite',
      post: async () => {
        throw new Error('SQLITE_FULL at /secret/path/relay.sqlite');
      },
      read: (i, a, l) => real.read(i, a, l),
      cursor: (i) => real.cursor(i),
      ack: (i, c) => real.ack(i, c),
      depth: async () => {
        throw new Error('/secret/path');
      },
      onArrival: () => {
        throw new Error('listener table at /secret/path');
      },
      compatAppend: (b) => real.compatAppend(b),
      compatNext: (r) => real.compatNext(r),
      saveAnnouncement: (a) => real.saveAnnouncement(a),
      announcements: () => real.announcements(),
      ping: async () => {
        throw new Error('disk /secret/path gone');
      },
      close: () => real.close(),
    };
    relay = await sqliteRelay({ store: broken });
    const res = await as(relay.app, '1', 'POST', '/v1/messages', post('a', ['2'], 'a'));
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toMatch(/secret|SQLITE/);
    expect(res.json()).toEqual({ error: 'unavailable', message: 'store unavailable, retry later' });
    // Not a store failure (the arrival listener is outside the store wrapper): a plain 500.
    const poll = await as(relay.app, '2', 'GET', '/v1/inboxes/2/messages?wait=100');
    expect(poll.statusCode).toBe(500);
    expect(poll.json()).toEqual({ error: 'internal', message: 'internal error' });
    const health = await relay.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.body).not.toMatch(/secret/);
    const metrics = await relay.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/relay_store_errors_total\{op="post"\} 1/);
    t.cleanup();
  });
});
