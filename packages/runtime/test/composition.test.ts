import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { buildApp, parseMembership, SqliteStore } from '@peg/relay';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Keystore } from '../src/keystore/keystore.ts';
import { RelayClient } from '../src/relay/relay-client.ts';
import { StateStore } from '../src/store/state-store.ts';
import { TEST_SCRYPT, tempDir } from './helpers.ts';

// The parts as a process wires them: the keystore's identity key authenticates to the relay
// (listed by its public form), its state key encrypts the state store.
let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

it('a keystore-backed member posts, consumes and persists through the real relay', async () => {
  const alice = await Keystore.create(join(t.dir, 'alice.keys'), 'pw-a', { scrypt: TEST_SCRYPT });
  const bob = await Keystore.create(join(t.dir, 'bob.keys'), 'pw-b', { scrypt: TEST_SCRYPT });
  const app = await buildApp({
    store: new SqliteStore(join(t.dir, 'relay.sqlite')),
    members: parseMembership({
      federation: 'compose',
      members: [
        { id: '1', key: alice.publicInfo().identityKey },
        { id: '2', key: bob.publicInfo().identityKey },
      ],
    }),
    docs: false,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const a = new RelayClient({
      url,
      federation: 'compose',
      party: '1',
      secretKey: alice.identitySecretKey(),
    });
    const reopened = await Keystore.open(join(t.dir, 'bob.keys'), 'pw-b');
    const b = new RelayClient({
      url,
      federation: 'compose',
      party: '2',
      secretKey: reopened.identitySecretKey(),
    });
    const store = StateStore.open(join(t.dir, 'bob.sqlite'), { stateKey: reopened.stateKey() });
    await a.post(['2'], utf8ToBytes('hello'));
    const stop = new AbortController();
    await b.consume(
      async (m) => {
        store.commitStep({
          state: { got: new TextDecoder().decode(m.envelope) },
          timers: {},
          outbox: [],
          inputId: m.inputId,
        });
        stop.abort();
      },
      { signal: stop.signal, waitMs: 1_000 },
    );
    expect(store.load().state).toEqual({ got: 'hello' });
    store.close();
    // Alice's state key cannot open Bob's store.
    expect(() =>
      StateStore.open(join(t.dir, 'bob.sqlite'), { stateKey: alice.stateKey() }),
    ).toThrow(/state key/);
  } finally {
    await app.close();
  }
});
