// RelayClient.announcements() against a real relay in chain-membership mode. The registry read
// is a fixed candidate list handed to the relay's ChainMembers (the devnet path is the relay's
// own test); what is tested here is the route, its schema, and that a process rebuilds its
// KeyDirectory from the answer by re-verifying every envelope.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { buildApp, ChainMembers, type RegistryReader, SqliteStore } from '@peg/relay';
import { announceKey, seal } from '@peg/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyDirectory, type RegistryCandidate } from '../src/index.ts';
import { RelayClient } from '../src/relay/relay-client.ts';
import { tempDir } from './helpers.ts';

const FEDERATION = 'announce-test';
const stacksKey = (i: number) => new Uint8Array(32).fill(0x20 + i);
const messagingKey = (i: number) => new Uint8Array(32).fill(0x50 + i);
const candidates: RegistryCandidate[] = [1, 2].map((i) => ({
  signer: `S${i}`,
  weight: BigInt(i),
  publicKey: bytesToHex(secp256k1.getPublicKey(stacksKey(i), true)),
}));
/** The registry as read at one fixed Stacks block. */
const fixedRegistry: RegistryReader = {
  getChainTip: async () => ({
    stacksHeight: 1,
    stacksTip: '00'.repeat(32),
    burnHeight: 1,
    stableBurnHeight: 1,
    networkId: 0,
  }),
  getSignerCandidates: async () => candidates,
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('RelayClient.announcements', () => {
  it('returns every party announcement, which a process re-verifies into its KeyDirectory', async () => {
    const t = tempDir();
    cleanups.push(() => t.cleanup());
    const store = new SqliteStore(join(t.dir, 'relay.sqlite'));
    const chain = new ChainMembers({ federation: FEDERATION, registry: fixedRegistry, store });
    await chain.refresh();
    const app = await buildApp({ store, chain, docs: false, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Party 2's signer authenticates with its registered key until its announcement is in.
    const registered = new RelayClient({
      url,
      federation: FEDERATION,
      party: '2',
      secretKey: stacksKey(2),
    });
    expect(await registered.announcements()).toEqual([]);
    const envelope = seal(
      {
        kind: 'key-announcement',
        sender: { partyId: 2, publicKey: schnorr.getPublicKey(stacksKey(2)) },
        chainTip: { height: 1, hash: new Uint8Array(32) },
        payload: announceKey(2, 1_700_000_000, messagingKey(2)),
      },
      stacksKey(2),
    );
    await registered.post('all', envelope);

    // Its coordinator process, with the announced messaging key.
    const coordinator = new RelayClient({
      url,
      federation: FEDERATION,
      party: '2-coordinator',
      secretKey: messagingKey(2),
    });
    const got = await coordinator.announcements();
    expect(got).toEqual([{ party: '2', sequence: 1_700_000_000, envelope }]);

    const directory = new KeyDirectory(candidates);
    for (const a of got) expect(directory.applyAnnouncement(a.envelope).ok).toBe(true);
    expect(directory.messagingKey(2)).toBe(bytesToHex(schnorr.getPublicKey(messagingKey(2))));
    expect(directory.messagingKey(1)).toBeUndefined();
  });

  it('a relay with a members file answers 404: a typed, non-retried error', async () => {
    const t = tempDir();
    cleanups.push(() => t.cleanup());
    const { startRelay, testKey } = await import('./relay-harness.ts');
    const relay = await startRelay(t.dir);
    cleanups.push(() => relay.app.close());
    const c = new RelayClient({
      url: relay.url,
      federation: 'runtime-test',
      party: '1',
      secretKey: testKey(1),
    });
    await expect(c.announcements()).rejects.toMatchObject({ status: 404 });
  });
});
