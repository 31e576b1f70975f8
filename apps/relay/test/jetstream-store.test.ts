import { connect, headers } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { JetStreamStore } from '../src/store/jetstream.ts';
import { membership, tokenFor } from './helpers.ts';
import { type NatsCluster, startNats } from './nats-server.ts';

describe('JetStream store limits', () => {
  let nats: NatsCluster | undefined;
  beforeAll(async () => {
    nats = await startNats(1, { maxPayload: '64KB' });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('answers 413 for an envelope over the server max_payload instead of failing the publish', async () => {
    if (!nats) throw new Error('nats');
    const store = await JetStreamStore.open({ servers: nats.urls, federation: 'limits' });
    expect(store.maxEnvelopeBytes).toBe(64 * 1024 - 4096);
    const app = await buildApp({ store, members: membership(3, 'limits'), docs: false });
    try {
      // With a token: a signed request's body is capped at 64 KiB (read before its signature),
      // which would answer 413 before the store's own limit is reached.
      const token = await tokenFor(app, '1');
      const post = (id: string, envelope: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: { id, to: ['2'], envelope },
        });
      const big = await post('big', 'ab'.repeat(64 * 1024));
      expect(big.statusCode).toBe(413);
      expect(big.json().message).toMatch(/envelope over/);
      const small = await post('small', 'ab'.repeat(32 * 1024));
      expect(small.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('JetStream store: one id raced with two envelopes', () => {
  let nats: NatsCluster | undefined;
  beforeAll(async () => {
    nats = await startNats(1);
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('a publish that left no id record (crash, or another relay mid-post) decides: other bytes are a conflict', async () => {
    if (!nats) throw new Error('nats');
    const store = await JetStreamStore.open({ servers: nats.urls, federation: 'race' });
    // What another relay did for sender 1, id "x": published to inbox 2, not yet recorded.
    const nc = await connect({ servers: nats.urls });
    try {
      const h = headers();
      h.set('Peg-From', '1');
      h.set('Peg-Id', 'x');
      h.set('Peg-At', '1');
      await nc.jetstream().publish('peg.relay.race.in.2', new TextEncoder().encode('first'), {
        headers: h,
        msgID: '1/x/2',
      });
    } finally {
      await nc.close();
    }
    const post = (text: string, digest: string) =>
      store.post({
        sender: '1',
        id: 'x',
        digest,
        recipients: ['2'],
        envelope: new TextEncoder().encode(text),
        receivedAt: 2,
      });
    // Other bytes under the same id: never "stored" (the stream holds the first ones).
    expect(await post('second', 'd2')).toEqual({ kind: 'conflict' });
    // The same bytes again (a retry of the first post): stored, once.
    expect((await post('first', 'd1')).kind).toBe('stored');
    expect((await post('first', 'd1')).kind).toBe('duplicate');
    const got = await store.read('2', 0, 10);
    expect(got.map((m) => new TextDecoder().decode(m.envelope))).toEqual(['first']);
    await store.close();
  });
});
