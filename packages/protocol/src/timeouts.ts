/**
 * Phase timeouts: their type and the defaults (ms): what the processes start with unless their config says otherwise,
 * and what the simulation runs with. `assertConfig` checks any set against each other.
 */
/** Timeouts in milliseconds (one per phase, as in the FIRE coordinator). */
export type Timeouts = {
  dkgPublic: number;
  dkgPrivate: number;
  dkgEnd: number;
  nonce: number;
  sign: number;
  /** Re-send the current request to parties that have not answered (lost messages). */
  resend: number;
  /** Silence after which the next coordinator in line takes over. */
  takeover: number;
};

export const DEFAULT_TIMEOUTS: Timeouts = {
  dkgPublic: 2_000,
  dkgPrivate: 2_000,
  dkgEnd: 2_000,
  nonce: 1_000,
  sign: 1_000,
  resend: 250,
  takeover: 30_000,
};
