// A federation on a standing chain, as Bitcoin is between blocks (ten minutes) while a round takes
// a second: no block for four takeover periods. The idle active coordinator keeps the role (its
// heartbeats), every process still agrees on it, the next probe is signed by it at once, and
// every status still shows both chains connected (each poll answered, though nothing changed).
import { hexToBytes } from '@noble/hashes/utils.js';
import { sleep } from '@peg/runtime';
import { taprootOutputKey } from '@peg/wire';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Federation,
  probe,
  publishedKey,
  startEveryProcess,
  startFederation,
  TEST_TIMEOUTS,
} from './harness/federation.ts';

const TAKEOVER = 9_000;

type Chains = { bitcoin: { connected: boolean }; stacks: { connected: boolean } };
type SignerStatus = Chains & { activeCoordinator: number | null };
type CoordinatorStatus = Chains & { coordinator: { active: number | null; self: boolean } };

describe('a standing chain', () => {
  let fed: Federation;

  beforeAll(async () => {
    // A block only when Stacks transactions wait (registrations, the key's publication: the
    // harness mines them); DKG phases longer than the takeover would be refused by the config.
    fed = await startFederation({
      weights: [1, 1, 2, 3, 3],
      blockIntervalMs: 0,
      timeouts: { ...TEST_TIMEOUTS, takeover: TAKEOVER },
    });
    startEveryProcess(fed);
    await publishedKey(fed, 5);
  });

  afterAll(async () => {
    await fed?.stop();
  });

  /** Every process's view: each signer's active coordinator and each coordinator's. */
  async function views() {
    return Promise.all(
      fed.operators.flatMap((op) => [
        fed.api<SignerStatus>(op.signerApi, '/v1/status'),
        fed.api<CoordinatorStatus>(op.coordinatorApi, '/v1/status'),
      ]),
    );
  }
  const activeOf = (s: SignerStatus | CoordinatorStatus) =>
    'activeCoordinator' in s ? s.activeCoordinator : s.coordinator.active;

  it('keeps its coordinator through four takeover periods without a block', async () => {
    await sleep(2_000); // every process has read the last tip (the publication's block)
    const before = (await views()).map(activeOf);
    expect(new Set(before).size, JSON.stringify(before)).toBe(1);
    expect(before[0]).not.toBeNull();

    await sleep(4 * TAKEOVER);

    const after = await views();
    expect(after.map(activeOf)).toEqual(before);
    // Nothing changed on either chain for 38 s, and every poll was answered.
    for (const s of after) {
      expect(s.bitcoin.connected).toBe(true);
      expect(s.stacks.connected).toBe(true);
    }
    // The one all processes name signs the next probe.
    const data = await fed.stacks.getSignerData();
    const r = await probe(fed);
    expect(
      ecc.verifySchnorr(
        hexToBytes(r.messages[0]!),
        taprootOutputKey(hexToBytes(data.aggregatePubkey))!,
        hexToBytes(r.signatures[0]!),
      ),
    ).toBe(true);
    const selves = (await views()).filter(
      (s): s is CoordinatorStatus & { partyId: number } => 'coordinator' in s && s.coordinator.self,
    );
    expect(selves.map((s) => s.partyId)).toEqual([before[0]]);
  });
});
