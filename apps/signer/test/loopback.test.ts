// The Signer API over a real loopback socket: the status over HTTP and the event stream
// (order, ids, Last-Event-ID resumption, disconnect cleanup).
import { listenApi, type ReceivedEvent, readEventStream } from '@peg/runtime';
import { SignerEvent, SignerStatus } from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { bearer, dkgRound, federationKeyOf, signerApi, TOKEN } from './fixtures.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
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

const events: SignerEvent[] = [
  { type: 'connectivity', target: 'relay', connected: true },
  { type: 'coordinator', active: 1 },
  {
    type: 'dkg-round',
    round: { ...dkgRound, outcome: 'running', endedAt: null, durationMs: null },
  },
  { type: 'dkg-round', round: dkgRound },
  { type: 'key', key: federationKeyOf(new Uint8Array(32).fill(0x42)) },
  { type: 'refused', reason: 'not-active-coordinator', from: 4 },
];

describe('Signer API over loopback', () => {
  test('listens on 127.0.0.1; status over real HTTP; events in order, resumable', async () => {
    const { app, proc } = await signerApi();
    apps.push(app);
    const address = await listenApi(app, { port: 0 });
    expect(address.address).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${address.port}`;

    const status = await fetch(`${base}/v1/status`, { headers: bearer });
    expect(status.status).toBe(200);
    expect(SignerStatus.parse(await status.json())).toEqual(proc.status);
    expect((await fetch(`${base}/v1/status`)).status).toBe(401);

    const clients = async () =>
      /peg_signer_sse_clients (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1];
    const ac = new AbortController();
    const live = readEventStream(`${base}/v1/events`, { token: TOKEN, signal: ac.signal });
    const first = live.next();
    await until(async () => (await clients()) === '1', 'the stream client');
    // An event that breaks its schema (an unknown field) is never streamed.
    proc.hub.emit({ type: 'coordinator', active: 3, secret: 'x' } as SignerEvent);
    for (const e of events) proc.hub.emit(e);
    const got = [(await first).value as ReceivedEvent, ...(await take(live, events.length - 1))];
    expect(got.map((e) => e.event)).toEqual(events.map((e) => e.type));
    expect(got.map((e) => SignerEvent.parse(JSON.parse(e.data)))).toEqual(events);
    const ids = got.map((e) => e.id as string);
    expect(new Set(ids).size).toBe(events.length);

    // The client goes away: forgotten at once; the process's subscription stays.
    ac.abort();
    await until(async () => (await clients()) === '0', 'the client to be forgotten');
    expect(proc.hub.size).toBe(1);

    // Events published while it was away are replayed after its last id, in order.
    proc.hub.emit({ type: 'coordinator', active: 2 });
    proc.hub.emit({ type: 'connectivity', target: 'stacks', connected: false });
    const again = new AbortController();
    const resumed = await take(
      readEventStream(`${base}/v1/events`, {
        token: TOKEN,
        lastEventId: ids[3] as string,
        signal: again.signal,
      }),
      4,
    );
    expect(resumed.map((e) => JSON.parse(e.data))).toEqual([
      events[4],
      events[5],
      { type: 'coordinator', active: 2 },
      { type: 'connectivity', target: 'stacks', connected: false },
    ]);
    again.abort();
    await app.close();
    expect(proc.hub.size).toBe(0);
  });
});
