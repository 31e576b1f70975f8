// Keys across epochs, the coordinator's way: the state store the coordinator process opens for a
// new epoch (`openCoordinatorStore`, what `CoordinatorNode` runs a new epoch's machine on) holds the
// keys (public data) of the epoch it left, so it can aggregate under them. The federation of the
// protocol's simulation runs a DKG in layout A; the coordinator's A state is written to its data
// folder; the layout changes to B (a weight change). B's coordinator, started from the store the
// app opens, drives a round under A's key that verifies (BIP340 under its output key), before and
// after B's own DKG, which takes a DKG id above A's. Without the carrying, the command naming A's
// key is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CoordinatorState,
  initialCoordinatorState,
  RETAINED_KEYS,
  type SignerState,
  signerCarriedKeys,
  withCarriedSignerKeys,
} from '@peg/protocol';
import { dkgComplete, restartFrom, Simulation, signaturesVerify } from '@peg/protocol/testing';
import { StateStore } from '@peg/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { openCoordinatorStore } from '../src/coordinator-node.ts';

const stateKey = new Uint8Array(32).fill(5);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One federation (same identities); each epoch's processes draw their own randomness. */
function simOf(weights: number[], threshold: number, draws: number): Simulation {
  const sim = new Simulation({ seed: 37, weights, threshold, checkJson: true });
  for (const node of sim.nodes.values()) for (let i = 0; i < draws; i++) node.rng(32);
  return sim;
}

describe('openCoordinatorStore: the keys of the epoch left', () => {
  it('a new epoch’s coordinator aggregates under A’s key, before and after B’s own DKG', () => {
    const a = simOf([1, 1, 1], 2, 0);
    const x = dkgComplete(a);
    const b = simOf([2, 1, 1], 3, 1);
    // The signers carry A's keys the protocol's way (the signer app's tests cover its own).
    for (const id of [1, 2, 3]) {
      const fromA = signerCarriedKeys(a.nodes.get(`s:${id}`)!.state as SignerState);
      restartFrom(
        b,
        `s:${id}`,
        withCarriedSignerKeys(b.nodes.get(`s:${id}`)!.state as SignerState, fromA),
      );
    }
    const c = `c:${b.coordinator}`;
    const dir = mkdtempSync(join(tmpdir(), 'peg-coordinator-epoch-'));
    dirs.push(dir);
    const old = StateStore.open(join(dir, 'coordinator-aaaa.sqlite'), { stateKey });
    old.commitStep({ state: a.nodes.get(c)!.state, timers: {}, outbox: [] });
    old.close();
    const store = openCoordinatorStore({
      dir,
      epoch: 'bbbb',
      stateKey,
      initial: () => b.nodes.get(c)!.state as CoordinatorState,
      logger: quiet,
    });
    const s = store.load<CoordinatorState>().state!;
    store.close();
    expect(s.config.federation).toEqual(b.federation);
    expect(s.key).toBeNull();
    expect(s.previous.map((k) => [k.dkgId, k.pub.groupKey])).toEqual([[x.dkgId, x.pub.groupKey]]);
    expect(s.maxDkgId).toBeGreaterThanOrEqual(x.dkgId);
    restartFrom(b, c, s);

    expect(signaturesVerify(b.sign([1], 2, { dkgId: x.dkgId }), x.pub.groupKey)).toBe(true);
    const y = dkgComplete(b);
    expect(y.dkgId).toBeGreaterThan(x.dkgId);
    expect(y.pub.groupKey).not.toBe(x.pub.groupKey);
    const after = b.nodes.get(c)!.state as CoordinatorState;
    expect(after.key?.dkgId).toBe(y.dkgId);
    expect(after.previous.map((k) => k.dkgId)).toEqual([x.dkgId]);
    expect(signaturesVerify(b.sign([2], 1, { dkgId: x.dkgId }), x.pub.groupKey)).toBe(true);
    expect(signaturesVerify(b.sign([3], 1), y.pub.groupKey)).toBe(true);
    expect(b.nonceReuse()).toEqual([]);
  }, 300_000);

  it(`the switch from a running machine: its key and earlier ones, at most ${RETAINED_KEYS}`, () => {
    const a = simOf([1, 1, 1], 2, 0);
    const x = dkgComplete(a);
    const leaving = a.nodes.get(`c:${a.coordinator}`)!.state as CoordinatorState;
    const many: CoordinatorState = {
      ...leaving,
      maxDkgId: 40,
      previous: Array.from({ length: RETAINED_KEYS }, (_, i) => ({
        ...leaving.key!,
        dkgId: 39 - i,
        pub: { ...leaving.key!.pub, groupKey: `02${(39 - i).toString(16).padStart(64, '0')}` },
      })),
      key: { ...leaving.key!, dkgId: 40 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'peg-coordinator-epoch-'));
    dirs.push(dir);
    const b = simOf([2, 1, 1], 3, 1);
    const store = openCoordinatorStore({
      dir,
      epoch: 'bbbb',
      stateKey,
      initial: () =>
        initialCoordinatorState({
          id: a.coordinator,
          federation: b.federation,
          maxDkgAttempts: 5,
          maxNonceTimeouts: 3,
        }),
      leaving: many,
      logger: quiet,
    });
    const s = store.load<CoordinatorState>().state!;
    store.close();
    expect(s.previous.map((k) => k.dkgId)).toEqual(
      Array.from({ length: RETAINED_KEYS }, (_, i) => 40 - i),
    );
    expect(s.previous[0]!.pub.groupKey).toBe(x.pub.groupKey);
    expect(s.maxDkgId).toBe(40);
  });
});
