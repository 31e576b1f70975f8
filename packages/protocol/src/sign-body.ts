/**
 * The body of a signing round: what the coordinator asks to sign and the rebuild data every
 * signer checks it against. Shared by both machines (the coordinator builds it, the signer
 * checks it), so neither imports the other's files.
 */
import { jsonDigest } from './digests.ts';
import type { Hex } from './hex.ts';
import type { Tweak } from './output-key.ts';

/** The rebuild data and messages of a signing round, as requested. */
export type SignBody = {
  messages: Hex[];
  withdrawalRequestIds: number[];
  unsignedTransaction: Hex;
  tweak: Tweak;
};

/** Digest binding every field of a request body (messages, rebuild data, tweak). */
export const bodyDigest = (b: SignBody): Hex => jsonDigest('peg/sign-body', b);
