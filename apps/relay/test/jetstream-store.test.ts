import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { JetStreamStore } from '../src/store/jetstream.ts';
import { as, membership } from './helpers.ts';
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
      const big = await as(app, '1', 'POST', '/v1/messages', {
        id: 'big',
        to: ['2'],
        envelope: 'ab'.repeat(64 * 1024),
      });
      expect(big.statusCode).toBe(413);
      const small = await as(app, '1', 'POST', '/v1/messages', {
        id: 'small',
        to: ['2'],
        envelope: 'ab'.repeat(32 * 1024),
      });
      expect(small.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
