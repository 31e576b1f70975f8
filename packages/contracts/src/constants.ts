/** Bitcoin dust limit (sats) used by `initiate-withdrawal-request`: amount must be above it. */
export const DUST_LIMIT = 546n;

// The withdrawal contract's recipient versions, as its Clarity code checks them. Owned by
// `@peg/bitcoin` (RECIPIENT_VERSION, MAX_RECIPIENT_VERSION, recipientHashLength); this package
// does not depend on it, and @peg/bitcoin's test/recipient-versions.test.ts pins these equal.

/** Highest recipient address version accepted by `validate-recipient`. */
export const MAX_ADDRESS_VERSION = 6;

/** Address versions 0..4 carry a 20-byte hash, 5..6 a 32-byte one (no padding). */
export const RECIPIENT_VERSIONS = Object.freeze({
  p2pkh: 0,
  p2sh: 1,
  p2shP2wpkh: 2,
  p2shP2wsh: 3,
  p2wpkh: 4,
  p2wsh: 5,
  p2tr: 6,
} as const);

/** Largest signer set: a P2SH redeem script of 15 keys is the most that fits 520 bytes. */
export const MAX_SIGNERS = 15;

/** Most withdrawals one `complete-withdrawals` call takes. */
export const MAX_BATCH_WITHDRAWALS = 600;
