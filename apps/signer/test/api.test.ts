import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createMetricsRegistry, EventHub } from '@peg/runtime';
import {
  DecisionsResponse,
  ListWithdrawalsResponse,
  RelayError,
  ReviewDecisionResponse,
  type SignerEvent,
  SignerStatus,
  VerifyResponse,
} from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { buildSignerApi } from '../src/api/app.ts';
import {
  bearer,
  dkgRound,
  rethrow,
  SK,
  signAggregate,
  signerApi,
  signOutput,
  statusWith,
  TOKEN,
} from './fixtures.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function api(...args: Parameters<typeof signerApi>) {
  const built = await signerApi(...args);
  apps.push(built.app);
  return built;
}

const ROUTES = [
  { method: 'GET' as const, url: '/v1/status' },
  { method: 'GET' as const, url: '/v1/rounds' },
  { method: 'GET' as const, url: '/v1/events' },
  {
    method: 'POST' as const,
    url: '/v1/verify',
    payload: { key: 'aggregate', message: '', signature: '00'.repeat(64) },
  },
  { method: 'GET' as const, url: '/v1/key' },
  { method: 'POST' as const, url: '/v1/messaging-key/rotate' },
];

describe('Signer API: operator token', () => {
  test('every /v1 route refuses a missing, wrong or differently long token with one 401', async () => {
    const { app } = await api();
    const bad = [
      undefined,
      `Bearer ${TOKEN.slice(0, -1)}X`,
      `Bearer ${TOKEN.slice(0, 20)}`,
      `Bearer ${TOKEN}0`,
      `Token ${TOKEN}`,
    ];
    for (const route of ROUTES) {
      for (const authorization of bad) {
        const res = await app.inject({
          ...route,
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(res.statusCode, `${route.url} ${authorization}`).toBe(401);
        expect(RelayError.parse(res.json())).toEqual({
          error: 'unauthenticated',
          message: 'operator token required',
        });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="peg-signer"');
      }
    }
  });

  test('a token too short to be safe is refused at build, without echoing it', async () => {
    const deps = {
      status: () => statusWith(null),
      rounds: () => ({ dkg: [], signing: [] }),
      decisions: () => ({ decisions: [], breaker: { tripped: false as const } }),
      withdrawals: () => ({ items: [], next: null }),
      resetBreaker: () => ({ tripped: false as const }),
      decideReview: () => {
        throw new Error('unused');
      },
      keyPackage: () => null,
      rotateMessagingKey: async () => ({ messagingKey: '' }),
      events: new EventHub<SignerEvent>(rethrow),
      metrics: createMetricsRegistry(),
      operatorToken: 'short-secret',
      ready: () => ({ ready: true }),
      version: '0',
    };
    await expect(buildSignerApi(deps)).rejects.toThrow(/expected 32\.\.512 characters, got 12/);
    await expect(buildSignerApi(deps)).rejects.not.toThrow(/short-secret/);
  });
});

describe('Signer API: GET /v1/status', () => {
  test('answers the status the process gives', async () => {
    const { app, proc } = await api();
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(SignerStatus.parse(res.json())).toEqual(proc.status);
    proc.status = statusWith(null);
    const before = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(before.json().key).toBeNull();
  });

  test('a status that breaks the schema is a 500, never sent (no smuggled field)', async () => {
    const { app, proc } = await api();
    proc.status = { ...proc.status, secretKey: 'ab'.repeat(32) } as SignerStatus;
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
    expect(res.body).not.toContain('abab');
  });
});

describe('Signer API: POST /v1/verify', () => {
  const msg = sha256(new TextEncoder().encode('peg-out 7'));
  const post = (app: FastifyInstance, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/verify', headers: bearer, payload: payload as object });

  test('real signatures verify under the key they were made for, and only that one', async () => {
    const { app, proc } = await api();
    const key = proc.status.key;
    if (!key) throw new Error('fixture has a key');
    const cases = [
      ['aggregate', signAggregate(SK, msg), true, key.aggregateKey.slice(2)],
      ['output', signOutput(SK, msg), true, key.outputKey],
      ['output', signAggregate(SK, msg), false, key.outputKey],
      ['aggregate', signOutput(SK, msg), false, key.aggregateKey.slice(2)],
    ] as const;
    for (const [which, sig, valid, publicKey] of cases) {
      const res = await post(app, {
        key: which,
        message: bytesToHex(msg),
        signature: bytesToHex(sig),
      });
      expect(res.statusCode).toBe(200);
      expect(VerifyResponse.parse(res.json())).toEqual({
        valid,
        key: which,
        publicKey,
        dkgId: key.dkgId,
      });
    }
  });

  test('a malformed body is a 400 naming the field', async () => {
    const { app } = await api();
    const good = { key: 'output', message: 'ab', signature: 'cd'.repeat(64) };
    for (const [body, field] of [
      [{ ...good, signature: 'cd' }, 'signature'],
      [{ ...good, message: 'xyz' }, 'message'],
      [{ ...good, key: 'stacks' }, 'key'],
      [{ ...good, extra: 1 }, ''],
    ] as const) {
      const res = await post(app, body);
      expect(res.statusCode).toBe(400);
      const err = RelayError.parse(res.json());
      expect(err.error).toBe('invalid-request');
      if (field) expect(err.issues?.some((i) => i.path.includes(field))).toBe(true);
    }
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/verify',
      headers: { ...bearer, 'content-type': 'application/xml' },
      payload: '<verify/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error).toBe('unsupported-media-type');
    const notJson = await app.inject({
      method: 'POST',
      url: '/v1/verify',
      headers: { ...bearer, 'content-type': 'application/json' },
      payload: '{"key":',
    });
    expect(notJson.statusCode).toBe(400);
  });

  test('before the first DKG there is nothing to verify against: 409', async () => {
    const { app, proc } = await api();
    proc.status = statusWith(null);
    const res = await post(app, {
      key: 'aggregate',
      message: bytesToHex(msg),
      signature: bytesToHex(signAggregate(SK, msg)),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'conflict', message: 'no federation key yet (no DKG)' });
  });
});

describe('Signer API: GET /v1/rounds', () => {
  test('passes the bounded limit through and answers the rounds', async () => {
    const { app, proc } = await api();
    const res = await app.inject({ method: 'GET', url: '/v1/rounds', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ dkg: [dkgRound], signing: [] });
    await app.inject({ method: 'GET', url: '/v1/rounds?limit=5', headers: bearer });
    expect(proc.roundQueries).toEqual([{ limit: 50 }, { limit: 5 }]);
    for (const q of ['limit=0', 'limit=501', 'limit=x', 'kind=dkg']) {
      const bad = await app.inject({ method: 'GET', url: `/v1/rounds?${q}`, headers: bearer });
      expect(bad.statusCode, q).toBe(400);
    }
    expect(proc.roundQueries).toHaveLength(2);
  });
});

describe('Signer API: health, metrics, OpenAPI', () => {
  test('/health follows readiness, without a token', async () => {
    const { app, proc } = await api();
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    proc.readiness = { ready: false, reason: 'state store not open' };
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', reason: 'state store not open' });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  test('/metrics: process metrics and per-route request counts, without a token', async () => {
    const { app } = await api();
    await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    await app.inject({ method: 'GET', url: '/v1/status' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('process_resident_memory_bytes');
    expect(res.body).toMatch(
      /peg_signer_http_requests_total\{method="GET",route="\/v1\/status",status="200"\} 1/,
    );
    expect(res.body).toMatch(
      /peg_signer_http_requests_total\{method="GET",route="\/v1\/status",status="401"\} 1/,
    );
    expect(res.body).toContain('peg_signer_sse_clients 0');
  });

  test('the OpenAPI document lists every route, /v1 behind the bearer token', async () => {
    const { app } = await api();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.info.title).toBe('peg-signer');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health',
        '/health/live',
        '/v1/breaker/reset',
        '/v1/decisions',
        '/v1/withdrawals',
        '/v1/withdrawals/{requestId}/decision',
        '/v1/events',
        '/v1/key',
        '/v1/messaging-key/rotate',
        '/v1/rounds',
        '/v1/status',
        '/v1/verify',
      ].sort(),
    );
    expect(doc.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(
      doc.paths['/v1/verify'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['key', 'message', 'signature']));
    expect(Object.keys(doc.paths['/v1/events'].get.responses['200'].content)).toEqual([
      'text/event-stream',
    ]);
    expect(
      doc.paths['/v1/status'].get.responses['200'].content['application/json'].schema,
    ).toBeDefined();
  });

  test('docs can be turned off', async () => {
    const { app } = await api({ docs: false });
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(404);
  });
});

describe('Signer API: key package and messaging-key rotation', () => {
  test('GET /v1/key: 409 before a verified key, the package after', async () => {
    const { app, proc } = await api();
    const none = await app.inject({ method: 'GET', url: '/v1/key', headers: bearer });
    expect(none.statusCode).toBe(409);
    const groupKey = proc.status.key!.aggregateKey;
    proc.keyPackage = {
      dkgId: 3,
      pub: {
        layout: {
          parties: [
            { id: 1, keyIds: [1] },
            { id: 2, keyIds: [2] },
          ],
          threshold: 2,
        },
        groupKey,
        verifyingShares: { '1': groupKey, '2': groupKey },
      },
    };
    const res = await app.inject({ method: 'GET', url: '/v1/key', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(proc.keyPackage);
    // A package that breaks the schema (a key id that is not a number) is never sent.
    proc.keyPackage = {
      ...proc.keyPackage,
      pub: { ...proc.keyPackage.pub, verifyingShares: { x: groupKey } },
    };
    const bad = await app.inject({ method: 'GET', url: '/v1/key', headers: bearer });
    expect(bad.statusCode).toBe(500);
  });

  test('POST /v1/messaging-key/rotate calls the process once and answers the new key', async () => {
    const { app, proc } = await api();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messaging-key/rotate',
      headers: bearer,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ messagingKey: proc.status.messagingKey });
    expect(proc.rotations).toBe(1);
  });
});

describe('Signer API: GET /v1/decisions', () => {
  test('lists the sweep decisions with their reasons and the breaker; bad queries are 400', async () => {
    const { app, proc } = await api();
    const ok = await app.inject({ method: 'GET', url: '/v1/decisions?limit=1', headers: bearer });
    expect(ok.statusCode).toBe(200);
    const body = DecisionsResponse.parse(ok.json());
    expect(body.decisions).toEqual(proc.decisions.slice(0, 1));
    expect(body.decisions[0]?.reason).toBe('request-already-paid');
    expect(body.breaker).toMatchObject({ tripped: true, rule: 'wallet-outflow' });
    for (const q of ['limit=0', 'limit=1001', 'since=1']) {
      const bad = await app.inject({ method: 'GET', url: `/v1/decisions?${q}`, headers: bearer });
      expect(bad.statusCode, q).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/decisions' })).statusCode).toBe(401);
  });
});

describe('Signer API: reviews', () => {
  test('lists held requests, filtered by status; bad queries are 400', async () => {
    const { app, proc } = await api();
    const all = await app.inject({ method: 'GET', url: '/v1/withdrawals', headers: bearer });
    expect(all.statusCode).toBe(200);
    expect(ListWithdrawalsResponse.parse(all.json()).items).toEqual(proc.reviews);
    const none = await app.inject({
      method: 'GET',
      url: '/v1/withdrawals?status=accepted',
      headers: bearer,
    });
    expect(none.json().items).toEqual([]);
    for (const q of ['status=maybe', 'limit=0', 'after=-1', 'extra=1']) {
      const bad = await app.inject({ method: 'GET', url: `/v1/withdrawals?${q}`, headers: bearer });
      expect(bad.statusCode, q).toBe(400);
    }
  });

  test('decides once, with a receipt; unknown is 404, decided is 409, a bad body is 400', async () => {
    const { app, proc } = await api();
    const headers = { ...bearer, 'content-type': 'application/json' };
    const url = '/v1/withdrawals/4/decision';
    for (const payload of [{ decision: 'maybe' }, { decision: 'accept', reason: '' }, {}]) {
      const bad = await app.inject({ method: 'POST', url, headers, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(proc.reviews[0]!.status).toBe('pending');
    const ok = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { decision: 'reject', reason: 'unknown recipient' },
    });
    expect(ok.statusCode).toBe(200);
    const body = ReviewDecisionResponse.parse(ok.json());
    expect(body.review).toMatchObject({ status: 'rejected', decidedBy: 'operator' });
    const again = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { decision: 'accept' },
    });
    expect(again.statusCode).toBe(409);
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/withdrawals/99/decision',
      headers,
      payload: { decision: 'accept' },
    });
    expect(unknown.statusCode).toBe(404);
    const noToken = await app.inject({ method: 'POST', url, payload: { decision: 'accept' } });
    expect(noToken.statusCode).toBe(401);
  });
});

describe('Signer API: POST /v1/breaker/reset', () => {
  test('resets a tripped breaker; needs the token', async () => {
    const { app } = await api();
    expect((await app.inject({ method: 'POST', url: '/v1/breaker/reset' })).statusCode).toBe(401);
    const r = await app.inject({ method: 'POST', url: '/v1/breaker/reset', headers: bearer });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ tripped: false });
    const after = await app.inject({ method: 'GET', url: '/v1/decisions', headers: bearer });
    expect(after.json().breaker).toEqual({ tripped: false });
  });
});
