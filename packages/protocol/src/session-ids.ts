/**
 * Session ids that no party can exhaust (ids are u32 on the wire).
 *
 * - Sign ids (`signId`, `iteration`) are scoped to the coordinator that issues them and the tip
 *   it is active for (`idScope`): within a scope they only grow, and a new scope (the next block,
 *   or a takeover) starts afresh. A coordinator can exhaust only its own scope; the next one signs.
 * - DKG ids name keys and bind the DKG's proofs and ciphertexts (`dkgSession`), so they never
 *   repeat: they only grow, and by at most `DKG_IDS_PER_SCOPE` per scope over the value the
 *   receiver held when the scope began. Reaching 2^32 - 1 takes 2^24 scopes in which the
 *   attacker is active, i.e. more than 300 years of blocks.
 */
import type { CoordinatorView } from './selection.ts';

/** DKG ids one coordinator may move the counter by while active for one tip. */
export const DKG_IDS_PER_SCOPE = 256;

/** The id scope of `coordinator` acting for the tip of `view`. */
export const idScope = (view: CoordinatorView, coordinator: number): string =>
  `${view.tip ?? ''}@${view.height}/${coordinator}`;

/** Where the DKG id window of a scope begins: recorded at the scope's first `dkg-begin`. */
export type DkgIdWindow = { scope: string; base: number };

/**
 * Whether `dkgId` may start a DKG in `scope` for a receiver holding `maxDkgId`, and the window to
 * record if it does. Ids at or below `maxDkgId` are old; above the window, exhaustion.
 */
export function dkgIdVerdict(
  window: DkgIdWindow,
  scope: string,
  maxDkgId: number,
  dkgId: number,
): { ok: true; window: DkgIdWindow } | { ok: false; reason: 'old-id' | 'id-out-of-window' } {
  const w = window.scope === scope ? window : { scope, base: maxDkgId };
  if (dkgId <= maxDkgId) return { ok: false, reason: 'old-id' };
  if (dkgId > w.base + DKG_IDS_PER_SCOPE) return { ok: false, reason: 'id-out-of-window' };
  return { ok: true, window: w };
}
