/**
 * The state store of one epoch's machine, with the verified keys of the other epochs carried in.
 *
 * The apps run one machine per registry layout (epoch), each on its own state file
 * (`<role>-<epoch>.sqlite`), and a layout change is what makes a new DKG. UTXOs locked under an
 * earlier epoch's key must still be spent, so the keys travel with the federation: before a
 * machine starts, its state takes the verified keys of the epoch the process leaves (the machine
 * it stopped), or, on a process start, of the most recently written other epoch file that holds
 * keys, if it was written after this epoch's own. A fresh state is seeded with them; a restored
 * one (the layout came back) gains the keys of the epochs in between. The merge itself is the protocol's (`carryKeys`: by group key,
 * newest first, bounded, DKG ids kept apart); docs/protocol/dkg.md "Across epochs".
 *
 * Shares are secrets: they move only from one encrypted state file to another (the same
 * keystore's state key) and are never logged; the log names DKG ids and group keys.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CarriedKeys } from '@peg/protocol';
import { StateStore } from '../store/state-store.ts';
import type { HostLogger } from './machine-host.ts';

type Key = { dkgId: number; pub: { groupKey: string } };

export type EpochStoreOptions<S, K extends Key> = {
  /** The data folder of the state files. */
  dir: string;
  /** The file name's prefix: `signer` or `coordinator`. */
  role: string;
  epoch: string;
  /** The keystore's state key (copied by every store opened; the caller erases its copy). */
  stateKey: Uint8Array;
  /** The first state of this epoch when its file has none. */
  initial: () => S;
  /** The state of the machine this process just stopped (another epoch's), if any. */
  leaving?: S;
  /** The keys a state hands on (`signerCarriedKeys`, `coordinatorCarriedKeys`). */
  keysOf: (s: S) => CarriedKeys<K>;
  /** A state with carried keys joined (`withCarriedSignerKeys`, ...). */
  carry: (s: S, carried: CarriedKeys<K>) => S;
  logger: HostLogger;
};

/** The path of an epoch's state file. */
export const epochStatePath = (dir: string, role: string, epoch: string): string =>
  join(dir, `${role}-${epoch}.sqlite`);

/**
 * Opens the epoch's store with the other epochs' keys carried into its state (committed before
 * it returns, so the machine starts from it). The carried keys come from `leaving`, else from
 * the other epoch files of `dir`.
 */
export function openEpochStore<S, K extends Key>(o: EpochStoreOptions<S, K>): StateStore {
  const store = StateStore.open(epochStatePath(o.dir, o.role, o.epoch), { stateKey: o.stateKey });
  try {
    const loaded = store.load<S>();
    // Only a newer epoch's keys: an older file's were carried into this one already, or dropped
    // by the bound since (a restart within an epoch must not bring them back).
    const carried =
      o.leaving !== undefined ? o.keysOf(o.leaving) : latestKeysOnDisk(o, loaded.updatedAt ?? -1);
    if (carried === undefined || carried.keys.length === 0) return store;
    const before = loaded.state ?? o.initial();
    const after = o.carry(before, carried);
    if (loaded.state !== undefined && JSON.stringify(after) === JSON.stringify(before))
      return store;
    store.commitStep({ state: after, timers: loaded.timers, outbox: [] });
    const ids = (s: S) => o.keysOf(s).keys.map((k) => k.dkgId);
    o.logger.info(
      {
        epoch: o.epoch,
        restored: loaded.state !== undefined,
        carried: carried.keys.map((k) => ({ dkgId: k.dkgId, groupKey: k.pub.groupKey })),
        keys: ids(after),
        maxDkgId: o.keysOf(after).maxDkgId,
      },
      'keys of earlier epochs carried into the machine state',
    );
    return store;
  } catch (err) {
    store.close();
    throw err;
  }
}

/**
 * The keys of the most recently written other epoch file of `dir` that holds any, if it was
 * written after `after` (ms). A file that cannot be opened (another keystore's, in use, damaged)
 * is skipped with a warning.
 */
function latestKeysOnDisk<S, K extends Key>(
  o: EpochStoreOptions<S, K>,
  after: number,
): CarriedKeys<K> | undefined {
  const own = `${o.role}-${o.epoch}.sqlite`;
  const pattern = new RegExp(`^${o.role}-[0-9a-zA-Z]+\\.sqlite$`);
  let best: { at: number; keys: CarriedKeys<K> } | undefined;
  let names: string[];
  try {
    names = readdirSync(o.dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name === own || !pattern.test(name)) continue;
    let store: StateStore | undefined;
    try {
      store = StateStore.open(join(o.dir, name), { stateKey: o.stateKey });
      const loaded = store.load<S>();
      if (loaded.state === undefined || loaded.updatedAt === undefined) continue;
      if (loaded.updatedAt <= after) continue;
      const keys = o.keysOf(loaded.state);
      if (keys.keys.length > 0 && (best === undefined || loaded.updatedAt > best.at))
        best = { at: loaded.updatedAt, keys };
    } catch (err) {
      o.logger.warn({ file: name, err: String(err) }, 'earlier epoch state not read');
    } finally {
      store?.close();
    }
  }
  return best?.keys;
}
