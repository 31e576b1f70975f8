import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { sqliteRelay, type TestRelay, tempDir } from './helpers.ts';

let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

const postRaw = (app: FastifyInstance, body: string, url = '/') =>
  app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': 'application/octet-stream' },
  });
const getNext = async (app: FastifyInstance, id: string): Promise<string> => {
  const res = await app.inject({ method: 'GET', url: `/?id=${id}` });
  expect(res.statusCode).toBe(200);
  return res.body;
};

describe('compatibility mode (the original relay API, unauthenticated)', () => {
  it('follows the reference read sequence', async () => {
    relay = await sqliteRelay({ compat: true });
    const { app } = relay;
    // core-eng relay tests: post M0; ids 1,5,4 each get M0; id 1 then empty; post M1;
    // id 1 -> M1, id 3 -> M0, id 5 -> M1; post M2; id 1 -> M2, id 4 -> M1 then M2.
    expect((await postRaw(app, 'M0')).statusCode).toBe(200);
    expect(await getNext(app, '1')).toBe('M0');
    expect(await getNext(app, '5')).toBe('M0');
    expect(await getNext(app, '4')).toBe('M0');
    expect(await getNext(app, '1')).toBe('');
    await postRaw(app, 'M1', '/some/path');
    expect(await getNext(app, '1')).toBe('M1');
    expect(await getNext(app, '3')).toBe('M0');
    expect(await getNext(app, '5')).toBe('M1');
    await postRaw(app, 'M2');
    expect(await getNext(app, '1')).toBe('M2');
    expect(await getNext(app, '4')).toBe('M1');
    expect(await getNext(app, '4')).toBe('M2');
  });

  it('accepts bodies without a content type and empty bodies; GET on any path', async () => {
    relay = await sqliteRelay({ compat: true });
    const { app } = relay;
    const bare = await app.inject({ method: 'POST', url: '/x', payload: Buffer.from([1, 2, 3]) });
    expect(bare.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/' })).statusCode).toBe(200);
    const first = await app.inject({ method: 'GET', url: '/any/path?id=0' });
    expect([...first.rawPayload]).toEqual([1, 2, 3]);
    const empty = await app.inject({ method: 'GET', url: '/?id=0' });
    expect(empty.statusCode).toBe(200);
    expect(empty.rawPayload.length).toBe(0);
  });

  it('answers 400 to a GET without id (the original closed the connection)', async () => {
    relay = await sqliteRelay({ compat: true });
    const res = await relay.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(400);
  });

  it('keeps /v1, /healthz and /metrics routed normally', async () => {
    relay = await sqliteRelay({ compat: true });
    expect((await relay.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(
      (await relay.app.inject({ method: 'GET', url: '/v1/inboxes/1/messages' })).statusCode,
    ).toBe(401);
  });

  it('is off by default', async () => {
    relay = await sqliteRelay();
    expect((await postRaw(relay.app, 'M0', '/anything')).statusCode).toBe(404);
    expect((await relay.app.inject({ method: 'GET', url: '/?id=1' })).statusCode).toBe(404);
  });

  it('survives a restart (the log and reader cursors are in the store)', async () => {
    const t = tempDir();
    const file = join(t.dir, 'c.sqlite');
    const a = await buildApp({ store: new SqliteStore(file), compat: true, docs: false });
    await postRaw(a, 'M0');
    await postRaw(a, 'M1');
    expect(await getNext(a, '7')).toBe('M0');
    await a.close();
    const b = await buildApp({ store: new SqliteStore(file), compat: true, docs: false });
    expect(await getNext(b, '7')).toBe('M1');
    expect(await getNext(b, '8')).toBe('M0');
    await b.close();
    t.cleanup();
  });
});

describe('compatibility mode without members', () => {
  it('refuses every /v1 route plainly (404 with the error shape) and logs nothing', async () => {
    relay = await sqliteRelay({ compat: true, members: undefined, docs: true });
    const { app } = relay;
    const json = { 'content-type': 'application/json' };
    const tries = [
      { method: 'POST' as const, url: '/v1/messages', headers: json, payload: '{"id":"a"}' },
      { method: 'POST' as const, url: '/v1/auth/token', headers: {}, payload: '' },
      { method: 'POST' as const, url: '/v1/messages', headers: {}, payload: 'raw bytes' },
      { method: 'GET' as const, url: '/v1/inboxes/1/messages', headers: {}, payload: '' },
      { method: 'POST' as const, url: '/v1', headers: {}, payload: 'raw bytes' },
    ];
    for (const t of tries) {
      const res = await app.inject(t);
      expect(res.statusCode, `${t.method} ${t.url}`).toBe(404);
      expect(res.json()).toEqual({
        error: 'not-found',
        message: expect.stringMatching(/--members/),
      });
    }
    // Nothing of those bodies reached the shared log.
    expect(await getNext(app, 'reader')).toBe('');
  });
});

describe('compatibility mode OpenAPI', () => {
  it('lists the original API at /docs/json, also without members', async () => {
    relay = await sqliteRelay({ compat: true, members: undefined, docs: true });
    const { app } = relay;
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const compat = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[] }>>)
      .flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ path, m, op })))
      .filter(({ op }) => op.tags?.includes('compat'));
    expect(compat.map(({ m }) => m).sort()).toEqual(['get', 'post']);
    const get = compat.find(({ m }) => m === 'get')!.op as {
      parameters: { name: string; in: string }[];
      security: unknown[];
    };
    expect(get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'query' })]),
    );
    expect(get.security).toEqual([]); // unauthenticated, and says so
    expect(Object.keys(doc.paths)).not.toContain('/v1/messages');
    // Still the original behaviour.
    expect((await postRaw(app, 'M0', '/x')).statusCode).toBe(200);
    expect(await getNext(app, 'r')).toBe('M0');
    const noId = await app.inject({ method: 'GET', url: '/' });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().error).toBe('invalid-request');
  });
});
