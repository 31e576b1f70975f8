/**
 * The signer's policy: the question the signer machine asks (a `check-policy` effect) and the
 * answer the shell feeds back (a `policy` input). Shared by the machine, the effect interpreter
 * and the shells.
 */
import type { Hex } from './hex.ts';
import type { Tweak } from './output-key.ts';

/** Approval of one signing request, from the signer's own view of the chains. */
export type PolicyDecision =
  | {
      approve: true;
      /** The sighashes the signer rebuilt from the transaction, one per input. */
      messages: Hex[];
      /** The output the transaction spends (checked against the request when given). */
      tweak?: Tweak;
    }
  | { approve: false; reason: string };

/** What the signer asks its policy about one share request (the `check-policy` effect). */
export type PolicyRequest = {
  dkgId: number;
  signId: number;
  iteration: number;
  withdrawalRequestIds: number[];
  unsignedTransaction: Hex;
  tweak: Tweak;
};

/**
 * A policy: given the withdrawal request ids and the unsigned transaction, it rebuilds the
 * messages (sighashes) from its own view of the chains and approves or refuses. The machine asks
 * through a `check-policy` effect and waits for the shell's `policy` input (the answer may need
 * I/O); it signs only if the rebuilt messages equal the requested ones.
 */
export type Policy = (request: PolicyRequest) => PolicyDecision;
