/**
 * A party's messaging key changes (a `key-announcement` with a higher sequence, which the shell
 * checked): the machines take the new federation config whole, but only if nothing but the
 * parties' keys changed. A changed layout (parties, key ids, thresholds) is a new federation that
 * needs a new DKG, never an in-place edit of a running machine's config.
 */
import { assertConfig, type FederationConfig } from './federation.ts';

/** Shell input of both machines: the federation with the parties' current messaging keys. */
export type MessagingKeysInput = { type: 'messaging-keys'; federation: FederationConfig };

/**
 * Checks a `messaging-keys` input against the running config; throws a RangeError naming what
 * differs (a shell bug, not peer input). Returns true when some key actually changed.
 */
export function assertKeysOnlyChange(current: FederationConfig, next: FederationConfig): boolean {
  assertConfig(next);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (next.network !== current.network) throw new RangeError('"network" changed');
  if (next.threshold !== current.threshold) throw new RangeError('"threshold" changed');
  if (next.dkgThreshold !== current.dkgThreshold) throw new RangeError('"dkgThreshold" changed');
  if (!same(next.timeouts, current.timeouts)) throw new RangeError('"timeouts" changed');
  const layout = (f: FederationConfig) => f.parties.map((p) => [p.id, p.keyIds]);
  if (!same(layout(next), layout(current)))
    throw new RangeError('"parties" ids or key ids changed: a new federation needs a new DKG');
  return next.parties.some((p, i) => p.publicKey !== current.parties[i]!.publicKey);
}
