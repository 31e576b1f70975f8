// Keys across epochs, the signer's way: the state store the signer process opens for a new epoch
// (`openSignerStore`, what `SignerNode` runs a new epoch's machine on) holds the verified keys and
// shares of the epoch it left. The federation of the protocol's simulation runs a DKG in layout
// A; each signer's A state is written to its data folder; the layout changes to B (a weight
// change). B's signers, started from the stores the app opens, sign under A's key (BIP340 under
// its output key), and B's own DKG takes a DKG id above A's: a request under A's id still signs
// with A's key. Without the carrying, the round under A's key is refused (`unknown-key`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CoordinatorState,
  coordinatorCarriedKeys,
  type SignerState,
  withCarriedCoordinatorKeys,
} from '@peg/protocol';
import { dkgComplete, restartFrom, Simulation, signaturesVerify } from '@peg/protocol/testing';
import { StateStore } from '@peg/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { openSignerStore } from '../src/signer-node.ts';

const stateKey = new Uint8Array(32).fill(5);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One federation (same identities); each epoch's processes draw their own randomness. */
function simOf(weights: number[], threshold: number, draws: number): Simulation {
  const sim = new Simulation({ seed: 31, weights, threshold, checkJson: true });
  for (const node of sim.nodes.values()) for (let i = 0; i < draws; i++) node.rng(32);
  return sim;
}

describe('openSignerStore: the keys of the epoch left', () => {
  it('a new epoch’s signers hold A’s key in `previous` and sign under it; B’s DKG id does not collide', () => {
    const a = simOf([1, 1, 1], 2, 0);
    const x = dkgComplete(a);
    const b = simOf([2, 1, 1], 3, 1);
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), 'peg-signer-epoch-'));
      dirs.push(dir);
      const old = StateStore.open(join(dir, 'signer-aaaa.sqlite'), { stateKey });
      old.commitStep({ state: a.nodes.get(`s:${id}`)!.state, timers: {}, outbox: [] });
      old.close();
      // A process start directly into B (id 1), or the switch from A's running machine.
      const leaving = id === 1 ? {} : { leaving: a.nodes.get(`s:${id}`)!.state as SignerState };
      const store = openSignerStore({
        dir,
        epoch: 'bbbb',
        stateKey,
        partyId: id,
        federation: b.federation,
        ...leaving,
        logger: quiet,
      });
      const s = store.load<SignerState>().state!;
      store.close();
      expect(s.config.federation).toEqual(b.federation);
      expect(s.current).toBeNull();
      expect(s.previous.map((k) => [k.dkgId, k.pub.groupKey])).toEqual([[x.dkgId, x.pub.groupKey]]);
      expect(Object.keys(s.previous[0]!.keyShares)).toEqual([String(id)]);
      expect(s.maxDkgId).toBeGreaterThanOrEqual(x.dkgId);
      restartFrom(b, `s:${id}`, s);
    }
    // B's coordinator carries A's key the protocol's way (the coordinator app's tests cover its own).
    const c = `c:${b.coordinator}`;
    const fromA = coordinatorCarriedKeys(
      a.nodes.get(`c:${b.coordinator}`)!.state as CoordinatorState,
    );
    restartFrom(b, c, withCarriedCoordinatorKeys(b.nodes.get(c)!.state as CoordinatorState, fromA));

    expect(signaturesVerify(b.sign([1], 2, { dkgId: x.dkgId }), x.pub.groupKey)).toBe(true);
    const y = dkgComplete(b);
    expect(y.dkgId).toBeGreaterThan(x.dkgId);
    expect(y.pub.groupKey).not.toBe(x.pub.groupKey);
    // The same DKG id names the same key at every signer: A's, never B's.
    expect(signaturesVerify(b.sign([2], 1, { dkgId: x.dkgId }), x.pub.groupKey)).toBe(true);
    expect(signaturesVerify(b.sign([3], 1), y.pub.groupKey)).toBe(true);
    expect(b.nonceReuse()).toEqual([]);
  }, 300_000);
});
