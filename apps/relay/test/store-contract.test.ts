import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { JetStreamStore } from '../src/store/jetstream.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { tempDir } from './helpers.ts';
import { type NatsCluster, startNats } from './nats-server.ts';
import { storeContract } from './store-contract.ts';

const sqliteDir = tempDir();
let nats: NatsCluster | undefined;

beforeAll(async () => {
  nats = await startNats(1);
});
afterAll(async () => {
  await nats?.stop();
  sqliteDir.cleanup();
});

storeContract('sqlite', () => ({
  open: async (federation) => new SqliteStore(join(sqliteDir.dir, `${federation}.sqlite`)),
}));

storeContract('jetstream', () => ({
  open: (federation) => {
    if (!nats) throw new Error('nats-server not started');
    return JetStreamStore.open({ servers: nats.urls, federation });
  },
}));
