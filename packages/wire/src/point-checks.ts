import { isFormattedPointOnCurve } from './curve.ts';

/**
 * When the curve check of a point runs. `open` decodes in 'defer' mode: the structure (sizes,
 * ids, scalars, hex formats) is checked first, then the signature, and only an authenticated
 * envelope pays for the curve checks of its points (cheap checks before EC math,
 * attacks-and-faults row 14). `seal` encodes in 'skip' mode: a sender's own points are
 * checked by every receiver. Anything else checks immediately ('now').
 *
 * A module-level mode is safe because zod's synchronous decode runs to completion without
 * interleaving, and `withPointChecks` always restores the previous mode.
 */
type Mode = 'now' | 'defer' | 'skip';

let mode: Mode = 'now';
let deferred: string[] = [];

/**
 * Called by the point schemas' refinements with the point's hex digits. Their format check
 * aborts on failure, so only well-formed strings get here (and into the deferred list, which
 * `open` checks with `isFormattedPointOnCurve`).
 */
export function checkPointHex(hex: string): boolean {
  if (mode === 'now') return isFormattedPointOnCurve(hex);
  if (mode === 'defer') deferred.push(hex);
  return true;
}

/** Runs `fn` with point checks in `m` mode; returns its result and the points deferred. */
export function withPointChecks<T>(m: Mode, fn: () => T): { result: T; points: string[] } {
  const previousMode = mode;
  const previousDeferred = deferred;
  mode = m;
  deferred = [];
  try {
    const result = fn();
    return { result, points: deferred };
  } finally {
    mode = previousMode;
    deferred = previousDeferred;
  }
}
