/**
 * Earlier verified keys, kept after a rotation. The peg wallet's UTXOs locked under an earlier
 * aggregate key (its Taproot output key) must still be spent once a new key is verified: the
 * sBTC production signer keeps every DKG's shares and signs with the key that locks the input.
 * Both machines keep the earlier keys newest first, at most `RETAINED_KEYS` of them: past that
 * the oldest is dropped (its funds must have been swept to a newer key by then).
 */
export const RETAINED_KEYS = 8;

/**
 * The earlier keys once `next` replaces `old`: `old` first (unless it is `next` itself), no
 * entry of `next`'s DKG, at most `RETAINED_KEYS`. A state persisted before retention has no
 * list (`undefined`): it starts empty.
 */
export function retire<K extends { dkgId: number }>(
  previous: readonly K[] | undefined,
  old: K | null,
  next: { dkgId: number },
): K[] {
  const list =
    old !== null && old.dkgId !== next.dkgId ? [old, ...(previous ?? [])] : [...(previous ?? [])];
  return list.filter((k) => k.dkgId !== next.dkgId).slice(0, RETAINED_KEYS);
}

/** The key of DKG `dkgId` among the current one and the retained ones, or null. */
export function keyOfDkg<K extends { dkgId: number }>(
  current: K | null,
  previous: readonly K[] | undefined,
  dkgId: number,
): K | null {
  if (current !== null && current.dkgId === dkgId) return current;
  return (previous ?? []).find((k) => k.dkgId === dkgId) ?? null;
}

/**
 * What an epoch's machine hands to the next one (the apps start a machine per registry layout,
 * docs/protocol/dkg.md "Across epochs"): its verified keys, newest first, and its DKG id counter.
 */
export type CarriedKeys<K> = { keys: K[]; maxDkgId: number };

/** What a state already holds when keys are carried into it. */
export type HeldKeys<K> = {
  current: K | null;
  previous: readonly K[] | undefined;
  /** Ids the state uses besides: its pending key, its DKG in progress. */
  busyIds: readonly number[];
  maxDkgId: number;
};

type Key = { dkgId: number; pub: { groupKey: string } };

/**
 * The retained list and DKG id counter of a state once `carried` (another epoch's keys) joins it.
 * A key is its group key: one held already is not added again. DKG ids stay the key's name on
 * the wire, so they must not collide: the counter moves above every carried id (the next DKG of
 * this state takes a fresh one), and a carried key whose id this state already uses for another
 * key is left out (only state files written before carrying existed can have one). Order: the
 * carried keys first (they come from the epoch just left, newer than anything a restored state
 * retained), then this state's own; at most `RETAINED_KEYS`.
 */
export function carryKeys<K extends Key>(
  held: HeldKeys<K>,
  carried: CarriedKeys<K>,
): { previous: K[]; maxDkgId: number } {
  const own = held.previous ?? [];
  const groupKeys = new Set<string>();
  if (held.current !== null) groupKeys.add(held.current.pub.groupKey);
  const ownIds = new Set([
    ...(held.current === null ? [] : [held.current.dkgId]),
    ...held.busyIds,
    ...own.map((k) => k.dkgId),
  ]);
  const ownKeys = new Set(own.map((k) => k.pub.groupKey));
  const usedIds = new Set(ownIds);
  const previous: K[] = [];
  const add = (k: K) => {
    if (groupKeys.has(k.pub.groupKey)) return;
    groupKeys.add(k.pub.groupKey);
    previous.push(k);
  };
  for (const k of carried.keys) {
    if (ownKeys.has(k.pub.groupKey)) {
      // The same key retained here too (the layout came back): keep ours, in the carried order.
      add(own.find((o) => o.pub.groupKey === k.pub.groupKey)!);
      continue;
    }
    if (groupKeys.has(k.pub.groupKey) || usedIds.has(k.dkgId)) continue;
    usedIds.add(k.dkgId);
    add(k);
  }
  for (const k of own) add(k);
  const kept = previous.slice(0, RETAINED_KEYS);
  const maxDkgId = Math.max(held.maxDkgId, carried.maxDkgId, ...kept.map((k) => k.dkgId));
  return { previous: kept, maxDkgId };
}
