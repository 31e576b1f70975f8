import { createMetricsRegistry, EventHub } from '@peg/runtime';
import {
  type CoordinatorEvent,
  CoordinatorStatus,
  PegOutQueueResponse,
  RelayError,
  RoundsResponse,
  SweepsResponse,
} from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { buildCoordinatorApi } from '../src/api/app.ts';
import {
  bearer,
  coordinatorApi,
  dkgRound,
  rethrow,
  signingRound,
  statusOf,
  TOKEN,
} from './fixtures.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function api(...args: Parameters<typeof coordinatorApi>) {
  const built = await coordinatorApi(...args);
  apps.push(built.app);
  return built;
}

describe('Coordinator API: operator token', () => {
  test('every /v1 route refuses a missing, wrong or differently long token with one 401', async () => {
    const { app } = await api();
    for (const url of ['/v1/status', '/v1/rounds', '/v1/events']) {
      for (const authorization of [
        undefined,
        `Bearer ${TOKEN.slice(0, -1)}X`,
        `Bearer ${TOKEN.slice(1)}`,
        `Bearer ${TOKEN}${TOKEN}`,
      ]) {
        const res = await app.inject({
          method: 'GET',
          url,
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(res.statusCode, `${url} ${authorization}`).toBe(401);
        expect(RelayError.parse(res.json())).toEqual({
          error: 'unauthenticated',
          message: 'operator token required',
        });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="peg-coordinator"');
      }
    }
  });

  test('a token too short to be safe is refused at build', async () => {
    const deps = {
      status: () => statusOf({ active: null }),
      rounds: () => ({ dkg: [], signing: [] }),
      probe: async () => {
        throw new Error('unused');
      },
      queue: () => ({ requests: [], counts: {}, pipeline: null }),
      sweeps: () => ({ sweeps: [] }),
      events: new EventHub<CoordinatorEvent>(rethrow),
      metrics: createMetricsRegistry(),
      operatorToken: 'x'.repeat(31),
      ready: () => ({ ready: true }),
      version: '0',
    };
    await expect(buildCoordinatorApi(deps)).rejects.toThrow(RangeError);
  });
});

describe('Coordinator API: GET /v1/status', () => {
  test('shows the active coordinator and whether it is this process', async () => {
    const { app, proc } = await api();
    const active = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(active.statusCode).toBe(200);
    expect(CoordinatorStatus.parse(active.json())).toEqual(proc.status);
    expect(active.json().coordinator).toEqual({ active: 1, self: true });
    proc.status = { ...statusOf({ active: 3 }), currentRound: { kind: 'dkg', round: dkgRound } };
    const standby = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(standby.json().coordinator).toEqual({ active: 3, self: false });
    expect(standby.json().currentRound.kind).toBe('dkg');
  });

  test('an inconsistent status (self active but another party is) is a 500, never sent', async () => {
    const { app, proc } = await api();
    proc.status = { ...statusOf({ active: 3 }), coordinator: { active: 3, self: true } };
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
  });
});

describe('Coordinator API: GET /v1/rounds', () => {
  test('DKG and signing rounds with duration, participants, excluded and blamed', async () => {
    const { app, proc } = await api();
    const res = await app.inject({ method: 'GET', url: '/v1/rounds?limit=10', headers: bearer });
    expect(res.statusCode).toBe(200);
    const body = RoundsResponse.parse(res.json());
    expect(body).toEqual({ dkg: [dkgRound], signing: [signingRound] });
    expect(body.signing[0]).toMatchObject({
      durationMs: 30_000,
      participants: [1, 2],
      blamed: [{ partyId: 5, reason: 'bad-share' }],
    });
    expect(proc.roundQueries).toEqual([{ limit: 10 }]);
    const bad = await app.inject({ method: 'GET', url: '/v1/rounds?limit=-1', headers: bearer });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid-request');
  });
});

describe('Coordinator API: health, metrics, OpenAPI', () => {
  test('/health follows readiness', async () => {
    const { app, proc } = await api();
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    proc.readiness = { ready: false, reason: 'bitcoin node unreachable' };
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toBe('bitcoin node unreachable');
  });

  test('/metrics counts requests per route', async () => {
    const { app } = await api();
    await app.inject({ method: 'GET', url: '/v1/rounds', headers: bearer });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('process_cpu_seconds_total');
    expect(res.body).toMatch(
      /peg_coordinator_http_requests_total\{method="GET",route="\/v1\/rounds",status="200"\} 1/,
    );
  });

  test('the OpenAPI document lists every route', async () => {
    const { app } = await api();
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.info.title).toBe('peg-coordinator');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health',
        '/health/live',
        '/v1/events',
        '/v1/probe',
        '/v1/queue',
        '/v1/rounds',
        '/v1/status',
        '/v1/sweeps',
      ].sort(),
    );
    expect(doc.paths['/v1/rounds'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'limit',
    ]);
  });
});

describe('Coordinator API: POST /v1/probe', () => {
  test('passes the data on, checks the body both ways', async () => {
    const { app, proc } = await api();
    const headers = { ...bearer, 'content-type': 'application/json' };
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/probe',
      headers,
      payload: { data: 'ab' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().signId).toBe(7);
    expect(proc.probes).toEqual([{ data: 'ab' }]);
    for (const payload of [{ data: 'AB' }, { data: '0'.repeat(130) }, { extra: 1 }]) {
      const bad = await app.inject({ method: 'POST', url: '/v1/probe', headers, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(proc.probes).toHaveLength(1);
    const noToken = await app.inject({ method: 'POST', url: '/v1/probe', payload: {} });
    expect(noToken.statusCode).toBe(401);
  });
});

describe('Coordinator API: GET /v1/queue and /v1/sweeps', () => {
  test('lists the requests with their states and times, filtered by state; bad queries are 400', async () => {
    const { app, proc } = await api();
    const all = await app.inject({ method: 'GET', url: '/v1/queue', headers: bearer });
    expect(all.statusCode).toBe(200);
    expect(PegOutQueueResponse.parse(all.json()).requests).toEqual(proc.queue);
    const done = await app.inject({
      method: 'GET',
      url: '/v1/queue?state=completed&limit=5',
      headers: bearer,
    });
    expect(done.json().requests.map((r: { id: string }) => r.id)).toEqual(['1']);
    expect(done.json().requests[0].at.completed).toBe(900);
    for (const q of ['state=paid', 'limit=0', 'limit=abc', 'extra=1']) {
      const bad = await app.inject({ method: 'GET', url: `/v1/queue?${q}`, headers: bearer });
      expect(bad.statusCode, q).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/queue' })).statusCode).toBe(401);
  });

  test('lists the sweeps with fee, state and completion; a malformed record is a 500, never sent', async () => {
    const { app, proc } = await api();
    const ok = await app.inject({ method: 'GET', url: '/v1/sweeps', headers: bearer });
    expect(ok.statusCode).toBe(200);
    expect(SweepsResponse.parse(ok.json()).sweeps).toEqual(proc.sweeps);
    proc.sweeps = [{ ...proc.sweeps[0]!, txid: 'not a txid' }];
    const broken = await app.inject({ method: 'GET', url: '/v1/sweeps', headers: bearer });
    expect(broken.statusCode).toBe(500);
    expect(broken.body).not.toContain('not a txid');
  });
});
