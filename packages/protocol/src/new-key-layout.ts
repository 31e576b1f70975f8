/**
 * Which party lists may hold a new key (`dkg-private-begin` fixes it). Both machines apply the
 * same rule: the coordinator never lists fewer, and a signer refuses a list that breaks it.
 *
 * - At least `dkgThreshold` key ids (the federation's choice; never below `threshold`).
 * - At least one key id more than `threshold` when the federation has one: a key held by exactly
 *   `threshold` key ids stops signing (and its coins are stuck) as soon as one holder is lost.
 */
import { type FederationConfig, partyOf, weightOf } from './federation.ts';

/** Why a list cannot hold a new key. */
export type NewKeyRefusal = 'dkg-unknown-party' | 'dkg-below-threshold' | 'dkg-no-redundancy';

/** Key ids a new key needs in this federation. */
export function minNewKeyWeight(config: FederationConfig): number {
  const total = weightOf(
    config,
    config.parties.map((p) => p.id),
  );
  return Math.max(config.dkgThreshold, config.threshold, Math.min(total, config.threshold + 1));
}

/** Null when the parties `partyIds` may hold a new key, else why not. */
export function newKeyRefusal(
  config: FederationConfig,
  partyIds: readonly number[],
): NewKeyRefusal | null {
  if (partyIds.some((id) => partyOf(config, id) === undefined)) return 'dkg-unknown-party';
  const w = weightOf(config, partyIds);
  if (w < Math.max(config.dkgThreshold, config.threshold)) return 'dkg-below-threshold';
  if (w < minNewKeyWeight(config)) return 'dkg-no-redundancy';
  return null;
}
