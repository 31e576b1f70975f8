import { isCompressedPointHex, isUncompressedPointHex } from './curve.ts';

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

/** True when `hex` is a valid point in either SEC1 form the protocol uses (33 or 65 bytes). */
export function isPointHex(hex: string): boolean {
  return hex.length === 66 ? isCompressedPointHex(hex) : isUncompressedPointHex(hex);
}

/** Called by the point schemas' refinements with the point's hex digits (format already checked). */
export function checkPointHex(hex: string): boolean {
  if (mode === 'now') return isPointHex(hex);
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
