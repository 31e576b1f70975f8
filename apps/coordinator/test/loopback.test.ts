// The Coordinator API over a real loopback socket: events in order, resumption, cleanup.
import { listenApi, type ReceivedEvent, readEventStream } from '@peg/runtime';
import { CoordinatorEvent } from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { coordinatorApi, dkgRound, signingRound, TOKEN } from './fixtures.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function take(it: AsyncGenerator<ReceivedEvent>, n: number): Promise<ReceivedEvent[]> {
  const out: ReceivedEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('Coordinator API over loopback', () => {
  test('events arrive in order; Last-Event-ID resumes; closing ends streams', async () => {
    const { app, proc } = await coordinatorApi({ events: { capacity: 100 } });
    apps.push(app);
    const { port } = await listenApi(app, { port: 0 });
    const url = `http://127.0.0.1:${port}/v1/events`;
    const clients = async (n: number) =>
      (await app.inject({ method: 'GET', url: '/metrics' })).body.includes(
        `peg_coordinator_sse_clients ${n}\n`,
      );
    const ac = new AbortController();
    const live = readEventStream(url, { token: TOKEN, signal: ac.signal });
    const first = live.next();
    await until(() => clients(1), 'the client');
    const events: CoordinatorEvent[] = [
      { type: 'coordinator', active: 1 },
      { type: 'dkg-round', round: dkgRound },
      { type: 'signing-round', round: signingRound },
    ];
    for (let i = 0; i < 30; i++) proc.hub.emit(events[i % 3] as CoordinatorEvent);
    const got = [(await first).value as ReceivedEvent, ...(await take(live, 29))];
    expect(got.map((e) => CoordinatorEvent.parse(JSON.parse(e.data)).type)).toEqual(
      Array.from({ length: 30 }, (_, i) => events[i % 3]?.type),
    );
    ac.abort();
    await until(() => clients(0), 'the client to be forgotten');

    const again = new AbortController();
    const rest = await take(
      readEventStream(url, { token: TOKEN, lastEventId: got[26]?.id, signal: again.signal }),
      3,
    );
    expect(rest.map((e) => e.id)).toEqual(got.slice(27).map((e) => e.id));
    again.abort();
    await until(() => clients(0), 'the resumed client to be forgotten');

    const open = readEventStream(url, { token: TOKEN });
    const pending = open.next();
    await until(() => clients(1), 'the last client');
    await app.close();
    expect((await pending).done).toBe(true);
    expect(proc.hub.size).toBe(0);
  });
});
