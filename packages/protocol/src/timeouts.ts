/**
 * Default phase timeouts (ms): what the processes start with unless their config says otherwise,
 * and what the simulation runs with. `assertConfig` checks any set against each other.
 */
import type { Timeouts } from './types.ts';

export const DEFAULT_TIMEOUTS: Timeouts = {
  dkgPublic: 2_000,
  dkgPrivate: 2_000,
  dkgEnd: 2_000,
  nonce: 1_000,
  sign: 1_000,
  resend: 250,
  takeover: 30_000,
};
