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
