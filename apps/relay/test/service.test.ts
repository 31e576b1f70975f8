import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMembersFile } from '../src/members-file.ts';
import { as, hex, membersFile, sqliteRelay, type TestRelay, tempDir, tokenFor } from './helpers.ts';

let relay: TestRelay | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe('health, metrics, docs', () => {
  it('serves /healthz', async () => {
    relay = await sqliteRelay();
    const res = await relay.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', store: 'sqlite' });
  });

  it('serves Prometheus metrics: requests, latency, depth per inbox, store errors', async () => {
    relay = await sqliteRelay();
    const { app } = relay;
    await as(app, '1', 'POST', '/v1/messages', { id: 'a', to: ['2', '3'], envelope: hex('a') });
    await as(app, '1', 'POST', '/v1/messages', { id: 'b', to: ['3'], envelope: hex('b') });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(
      /relay_http_requests_total\{method="POST",route="\/v1\/messages",status="200"\} 2/,
    );
    expect(res.body).toMatch(
      /relay_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/v1\/messages"\}/,
    );
    expect(res.body).toMatch(/relay_inbox_depth\{inbox="2"\} 1/);
    expect(res.body).toMatch(/relay_inbox_depth\{inbox="3"\} 2/);
    expect(res.body).toMatch(/relay_inbox_depth\{inbox="1"\} 0/);
    expect(res.body).toMatch(/# TYPE relay_store_errors_total counter/);
  });

  it('publishes OpenAPI at /docs', async () => {
    relay = await sqliteRelay({ docs: true });
    const res = await relay.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/messages',
        '/v1/inboxes/{party}/messages',
        '/v1/inboxes/{party}/ack',
        '/v1/auth/token',
      ]),
    );
    expect(
      doc.paths['/v1/messages'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['id', 'to', 'envelope']));
    // The declared schemes are used: globally, narrowed for the token route, none for health.
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'bip340']);
    expect(doc.security).toEqual([{ bip340: [] }, { bearer: [] }]);
    expect(doc.paths['/v1/auth/token'].post.security).toEqual([{ bip340: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});

describe('membership reload', () => {
  it('reloads from the source through reloadMembers and the admin route', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'members.json');
    writeFileSync(file, JSON.stringify(membersFile(3)));
    relay = await sqliteRelay({ members: () => loadMembersFile(file) });
    const { app } = relay;
    const token3 = await tokenFor(app, '3');
    expect((await as(app, '5', 'GET', '/v1/inboxes/5/messages')).statusCode).toBe(401);
    // Add 4 and 5, drop 3.
    writeFileSync(file, JSON.stringify(membersFile(0, 'test', [1, 2, 4, 5])));
    const res = await as(app, 'ops', 'POST', '/v1/admin/members/reload');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ federation: 'test', members: 4 });
    expect((await as(app, '5', 'GET', '/v1/inboxes/5/messages')).statusCode).toBe(200);
    expect((await as(app, '3', 'GET', '/v1/inboxes/3/messages')).statusCode).toBe(401);
    const old = await app.inject({
      method: 'GET',
      url: '/v1/inboxes/3/messages',
      headers: { authorization: `Bearer ${token3}` },
    });
    expect(old.statusCode).toBe(401);
    // A bad file or another federation is refused and the membership stays.
    writeFileSync(file, '{"federation":"test","members":[]}');
    expect((await as(app, 'ops', 'POST', '/v1/admin/members/reload')).statusCode).toBe(400);
    writeFileSync(file, JSON.stringify(membersFile(2, 'other')));
    await expect(app.relay.reloadMembers()).rejects.toThrow(/federation/);
    expect(app.relay.membership().members.size).toBe(4);
    // The explicit function works too.
    writeFileSync(file, JSON.stringify(membersFile(6)));
    expect((await app.relay.reloadMembers()).members.size).toBe(6);
  });
});
