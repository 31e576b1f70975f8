/** Bitcoin dust limit (sats) used by `initiate-withdrawal-request`: amount must be above it. */
export const DUST_LIMIT = 546n;

// The withdrawal recipient versions (0..6; 20-byte hashes up to 4, 32-byte above) are the
// contract's own constants (`MAX_ADDRESS_VERSION`, `MAX_ADDRESS_VERSION_BUFF_20` in
// sbtc-withdrawal.clar); in TypeScript they have one owner, `@peg/bitcoin`
// (RECIPIENT_VERSION, MAX_RECIPIENT_VERSION, recipientHashLength), whose test pins the Clarity
// constants to it.

/** Largest signer set: a P2SH redeem script of 15 keys is the most that fits 520 bytes. */
export const MAX_SIGNERS = 15;

/** Most withdrawals one `complete-withdrawals` call takes. */
export const MAX_BATCH_WITHDRAWALS = 600;
