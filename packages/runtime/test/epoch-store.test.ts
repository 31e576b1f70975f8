import {
  type CoordinatorReport,
  type CoordinatorState,
  coordinatorCarriedKeys,
  initialSignerState,
  RETAINED_KEYS,
  type SignerState,
  signerCarriedKeys,
  withCarriedCoordinatorKeys,
  withCarriedSignerKeys,
} from '@peg/protocol';
import {
  dkgComplete,
  type MemoryStore,
  type SimNode,
  Simulation,
  signaturesVerify,
} from '@peg/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { epochStatePath, openEpochStore } from '../src/node/epoch-store.ts';
import { StateStore } from '../src/store/state-store.ts';
import { tempDir } from './helpers.ts';

const SEED = 4242;
const stateKey = new Uint8Array(32).fill(7);
const logged: { msg: string | undefined; obj: object }[] = [];
const logger = {
  debug() {},
  info: (obj: object, msg?: string) => logged.push({ obj, msg }),
  warn: (obj: object, msg?: string) => logged.push({ obj, msg }),
  error() {},
};
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * The same seed gives every party the same identity key whatever the weights: one federation.
 * Each simulated epoch's processes then draw their own randomness (`draws`), else a DKG would
 * repeat the polynomials, and the key, of another epoch.
 */
function simOf(weights: number[], threshold: number, draws = 0): Simulation {
  const sim = new Simulation({ seed: SEED, weights, threshold, checkJson: true });
  for (const node of sim.nodes.values()) for (let i = 0; i < draws; i++) node.rng(32);
  return sim;
}

/** Each process's data folder (party id and role), as the apps keep them. */
function folders() {
  const dirs = new Map<string, string>();
  return (node: SimNode) => {
    const k = `${node.kind}:${node.id}`;
    if (!dirs.has(k)) {
      const t = tempDir('peg-epoch-');
      cleanups.push(t.cleanup);
      dirs.set(k, t.dir);
    }
    return dirs.get(k)!;
  };
}

/** Writes every node's state into its epoch's file (what its host committed last). */
function persist(sim: Simulation, epoch: string, dirOf: (n: SimNode) => string, at: number) {
  for (const node of sim.nodes.values()) {
    const store = StateStore.open(epochStatePath(dirOf(node), node.kind, epoch), {
      stateKey,
      now: () => at,
    });
    store.commitStep({ state: node.state, timers: {}, outbox: [] });
    store.close();
  }
}

/**
 * Starts every node of `sim` from its epoch store opened as the apps open it (`leaving`: the
 * states of the machines the processes stop; otherwise the data folder is searched).
 */
function open(
  sim: Simulation,
  epoch: string,
  dirOf: (n: SimNode) => string,
  leaving?: Simulation,
): void {
  for (const node of sim.nodes.values()) {
    const left = leaving?.nodes.get(`${node.kind === 'signer' ? 's' : 'c'}:${node.id}`)?.state;
    const common = { dir: dirOf(node), epoch, stateKey, logger };
    const store =
      node.kind === 'signer'
        ? openEpochStore({
            ...common,
            role: 'signer',
            initial: () => node.state,
            ...(left ? { leaving: left as SignerState } : {}),
            keysOf: signerCarriedKeys,
            carry: withCarriedSignerKeys,
          })
        : openEpochStore({
            ...common,
            role: 'coordinator',
            initial: () => node.state,
            ...(left ? { leaving: left as CoordinatorState } : {}),
            keysOf: coordinatorCarriedKeys,
            carry: withCarriedCoordinatorKeys,
          });
    const loaded = store.load();
    store.close();
    if (loaded.state === undefined) continue;
    (node.store as MemoryStore<unknown>).save({ state: loaded.state, timers: loaded.timers });
    void node.driver.start();
  }
}

/** A round under `dkgId`'s key; every signature checked with BIP340 under `groupKey`'s output key. */
function signsUnder(sim: Simulation, ids: number[], dkgId: number, groupKey: string): void {
  const r = sim.sign(ids, 2, { dkgId });
  expect(r.kind).toBe('signature');
  expect((r as Extract<CoordinatorReport, { kind: 'signature' }>).groupKey).toBe(groupKey);
  expect(signaturesVerify(r, groupKey)).toBe(true);
}

const signerStates = (sim: Simulation) =>
  [...sim.nodes.values()].filter((n) => n.kind === 'signer').map((n) => n.state as SignerState);
const coordinator = (sim: Simulation) =>
  sim.nodes.get(`c:${sim.coordinator}`)!.state as CoordinatorState;
/** Every DKG id a signer's keys use: each must name one key. */
const keyIds = (s: SignerState) => [s.current, ...s.previous].flatMap((k) => (k ? [k.dkgId] : []));

describe('openEpochStore: verified keys across epochs', () => {
  it('a weight change: B signs under A’s key, B’s DKG takes a new id, A reopened gains B’s key', () => {
    const dirOf = folders();
    const a = simOf([1, 1, 1], 2);
    const x = dkgComplete(a);
    persist(a, 'aaaa', dirOf, 1_000);

    // Process start directly into B: the keys come from the data folder.
    const b = simOf([2, 1, 1], 3, 1);
    open(b, 'bbbb', dirOf);
    for (const s of signerStates(b)) {
      expect(s.current).toBeNull();
      expect(s.previous.map((k) => k.pub.groupKey)).toEqual([x.pub.groupKey]);
      expect(s.maxDkgId).toBeGreaterThanOrEqual(x.dkgId);
    }
    expect(coordinator(b).previous.map((k) => k.dkgId)).toEqual([x.dkgId]);
    // No share in the log.
    const text = JSON.stringify(logged);
    for (const s of signerStates(b))
      for (const share of Object.values(s.previous[0]!.keyShares))
        expect(text).not.toContain(share);

    // B's own DKG: a DKG id above A's, so the id of A's key still names A's key only.
    const y = dkgComplete(b);
    expect(y.dkgId).toBeGreaterThan(x.dkgId);
    expect(y.pub.groupKey).not.toBe(x.pub.groupKey);
    for (const s of signerStates(b)) {
      expect(s.current?.pub.groupKey).toBe(y.pub.groupKey);
      expect(s.previous.map((k) => k.pub.groupKey)).toEqual([x.pub.groupKey]);
      expect(new Set(keyIds(s)).size).toBe(keyIds(s).length);
    }
    signsUnder(b, [1], x.dkgId, x.pub.groupKey);
    signsUnder(b, [2], y.dkgId, y.pub.groupKey);
    expect(b.nonceReuse()).toEqual([]);
    persist(b, 'bbbb', dirOf, 2_000);

    // The layout comes back: A's state is reopened and gains B's key (the machines of B stop).
    const a2 = simOf([1, 1, 1], 2, 2);
    open(a2, 'aaaa', dirOf, b);
    for (const s of signerStates(a2)) {
      expect(s.current?.pub.groupKey).toBe(x.pub.groupKey);
      expect(s.previous.map((k) => k.pub.groupKey)).toEqual([y.pub.groupKey]);
      expect(s.maxDkgId).toBeGreaterThanOrEqual(y.dkgId);
    }
    signsUnder(a2, [3], y.dkgId, y.pub.groupKey);
    signsUnder(a2, [4], x.dkgId, x.pub.groupKey);
    // A's next DKG (its old key is retired) takes an id above both.
    const z = dkgComplete(a2);
    expect(z.dkgId).toBeGreaterThan(y.dkgId);
    for (const s of signerStates(a2))
      expect(s.previous.map((k) => k.dkgId)).toEqual([x.dkgId, y.dkgId]);
    signsUnder(a2, [5], y.dkgId, y.pub.groupKey);
  }, 300_000);

  it('the most recently written other epoch is the one carried; a reopened B is unchanged', () => {
    const dirOf = folders();
    const a = simOf([1, 1, 1], 2);
    const x = dkgComplete(a);
    persist(a, 'aaaa', dirOf, 5_000);
    // An older epoch file with another key, and one without keys written later.
    const old = simOf([1, 1, 1], 2, 3);
    const w = dkgComplete(old);
    persist(old, 'oooo', dirOf, 1_000);
    const empty = simOf([1, 2, 1], 3);
    persist(empty, 'eeee', dirOf, 9_000);

    const b = simOf([2, 1, 1], 3, 1);
    open(b, 'bbbb', dirOf);
    for (const s of signerStates(b)) {
      expect(s.previous.map((k) => k.pub.groupKey)).toEqual([x.pub.groupKey]);
      expect(s.previous.map((k) => k.pub.groupKey)).not.toContain(w.pub.groupKey);
    }
    // Reopening B changes nothing more (the same keys again).
    const node = b.nodes.get('s:1')!;
    const dir = dirOf(node);
    const before = JSON.stringify(node.state);
    const store = openEpochStore({
      dir,
      role: 'signer',
      epoch: 'bbbb',
      stateKey,
      initial: () => {
        throw new Error('B has a state');
      },
      keysOf: signerCarriedKeys,
      carry: withCarriedSignerKeys,
      logger,
    });
    expect(JSON.stringify(store.load().state)).toBe(before);
    store.close();
  }, 300_000);

  it(`carries at most ${RETAINED_KEYS} keys, and none when the epoch it leaves has none`, () => {
    const t = tempDir('peg-epoch-');
    cleanups.push(t.cleanup);
    const federation = simOf([1, 1, 1], 2).federation;
    const fake = (dkgId: number) => ({
      dkgId,
      pub: {
        groupKey: `02${dkgId.toString(16).padStart(64, '0')}`,
        layout: { parties: [], threshold: 1 },
        keyIdPublicShares: {},
      },
      keyShares: {},
      status: 'verified' as const,
      verificationSigned: true,
      transcript: null,
    });
    const leaving: SignerState = {
      ...initialSignerState({ id: 1, federation }),
      maxDkgId: 30,
      current: fake(30),
      previous: Array.from({ length: RETAINED_KEYS }, (_, i) => fake(29 - i)),
    } as unknown as SignerState;
    const opts = {
      dir: t.dir,
      role: 'signer',
      stateKey,
      initial: () => initialSignerState({ id: 1, federation }),
      keysOf: signerCarriedKeys,
      carry: withCarriedSignerKeys,
      logger,
    };
    const store = openEpochStore({ ...opts, epoch: 'bbbb', leaving });
    const s = store.load<SignerState>().state!;
    store.close();
    expect(s.previous.map((k) => k.dkgId)).toEqual(
      Array.from({ length: RETAINED_KEYS }, (_, i) => 30 - i),
    );
    expect(s.maxDkgId).toBe(30);

    // A restart within B: A's file is older, and its key, dropped by the bound, stays dropped.
    const write = (epoch: string, state: SignerState, at: number) => {
      const st = StateStore.open(epochStatePath(t.dir, 'signer', epoch), {
        stateKey,
        now: () => at,
      });
      st.commitStep({ state, timers: {}, outbox: [] });
      st.close();
    };
    // B's own keys since: a current one and 8 earlier ones, A's keys dropped by the bound.
    const full = {
      ...s,
      current: fake(40),
      previous: Array.from({ length: RETAINED_KEYS }, (_, i) => fake(39 - i)),
      maxDkgId: 40,
    } as unknown as SignerState;
    write('aaaa', leaving, 1_000);
    write('bbbb', full, 2_000);
    const again = openEpochStore({ ...opts, epoch: 'bbbb' });
    expect(JSON.stringify(again.load().state)).toBe(JSON.stringify(full));
    again.close();
    // Written later than B (the layout went to A and came back), A's keys come first.
    write('aaaa', leaving, 3_000);
    const back = openEpochStore({ ...opts, epoch: 'bbbb' });
    const merged = back.load<SignerState>().state!;
    back.close();
    expect(merged.previous.map((k) => k.dkgId)).toEqual(
      Array.from({ length: RETAINED_KEYS }, (_, i) => 30 - i),
    );

    const none = openEpochStore({
      ...opts,
      epoch: 'cccc',
      leaving: initialSignerState({ id: 1, federation }),
    });
    expect(none.load().state).toBeUndefined();
    none.close();
  });
});
