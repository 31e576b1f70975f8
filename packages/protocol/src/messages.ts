/**
 * Payloads the machines exchange, named as in the original design (WSTS `net.rs`). The sender id
 * of every message comes from the authenticated envelope (`@peg/wire` seal/open), not from the
 * payload; payloads that serve as evidence against their sender (public and private DKG shares,
 * nonce responses) also carry the sender's BIP340 signature over their own digest, so that a
 * third party (the coordinator, another signer) can check them after they were forwarded.
 */
import type { Kind } from '@peg/wire';
import type { DkgPublicPackage, Hex, NonceCommitment, ShareComplaint } from './crypto.ts';

/** Coordinator -> all: start DKG `dkgId` (signers draw fresh polynomials). */
export type DkgBegin = { type: 'dkg-begin'; dkgId: number };

/** Signer -> all: the signer's polynomial commitment, proof of knowledge and kex key. */
export type DkgPublicShares = {
  type: 'dkg-public-shares';
  dkgId: number;
  signerId: number;
  package: DkgPublicPackage;
  /** Sender's BIP340 signature over the digest of (dkgId, signerId, package). */
  signature: Hex;
};

/** Coordinator -> all: the signers whose public shares arrived; send them private shares. */
/**
 * Coordinator -> all: the signers whose public shares arrived; send them private shares. `echo`
 * is the coordinator's digest of each listed signer's public shares: a signer encrypts only to
 * public keys it holds identically (round-1 echo), and reports a mismatch instead.
 */
export type DkgPrivateBegin = {
  type: 'dkg-private-begin';
  dkgId: number;
  signerIds: number[];
  echo: Record<string, Hex>;
};

/** Signer -> all: one ciphertext per key id of every listed signer (only its owner can open it). */
export type DkgPrivateShares = {
  type: 'dkg-private-shares';
  dkgId: number;
  signerId: number;
  /** key id -> ciphertext of f(keyId). */
  shares: Record<string, Hex>;
  signature: Hex;
};

/**
 * Coordinator -> all: compute secrets from these signers. `echo` is the coordinator's digest of
 * each listed signer's public and private message: every signer compares it with what it got.
 */
export type DkgEndBegin = {
  type: 'dkg-end-begin';
  dkgId: number;
  signerIds: number[];
  echo: Record<string, { public: Hex; private: Hex }>;
};

/** Evidence of equivocation: a signed message that differs from the coordinator's copy. */
export type EquivocationEvidence =
  | { kind: 'public'; message: DkgPublicShares }
  | { kind: 'private'; message: DkgPrivateShares };

/** A complaint about a private share, with the accused's signed message as received. */
export type BadShareEvidence = { complaint: ShareComplaint; message: DkgPrivateShares };

/** Outcome of DKG at one signer. */
export type DkgStatus =
  | { kind: 'success'; groupKey: Hex }
  | {
      kind: 'failure';
      badPublicShares: number[];
      badPrivateShares: BadShareEvidence[];
      equivocation: EquivocationEvidence[];
      missing: number[];
    };

/** Signer -> coordinator: DKG result at this signer. */
export type DkgEnd = { type: 'dkg-end'; dkgId: number; signerId: number; status: DkgStatus };

/** Signer -> coordinator: "I lack these signers' messages" (lost by the relay). */
export type DkgQuery = { type: 'dkg-query'; dkgId: number; signerId: number; missing: number[] };

/** Coordinator -> signer: the signed originals it holds (verified again by the receiver). */
export type DkgQueryResponse = {
  type: 'dkg-query-response';
  dkgId: number;
  messages: (DkgPublicShares | DkgPrivateShares)[];
};

/** Why a round signs: a peg-out (policy decides) or the DKG verification round. */
export type SignPurpose = 'sign' | 'dkg-verification';

/** What a signer needs to rebuild the messages itself: request ids and the transaction. */
export type SignRequestBody = {
  purpose: SignPurpose;
  /** Withdrawal request ids this round fulfils. */
  requestIds: string[];
  /** The sweep transaction (hex) the messages are the sighashes of. */
  payload: Hex;
  /** Messages to sign (32-byte sighashes, one per input), in order. */
  messages: Hex[];
  /**
   * Key the signatures verify under: `null` = the group key itself (BIP340; DKG verification),
   * `''` = BIP341 key-path-only output key (the peg wallet), 64 hex = output key committing to
   * that merkle root.
   */
  merkleRoot: Hex | null;
};

/** Coordinator -> all: start signing iteration (`signId`, `iterId`). */
export type NonceRequest = {
  type: 'nonce-request';
  dkgId: number;
  signId: number;
  iterId: number;
  /**
   * For a peg-out: the key's verification signature, so that a signer that missed
   * `PublicAddressAvailable` (lost message) can still check and adopt the key. Empty otherwise.
   */
  keyVerification: Hex;
} & SignRequestBody;

/** Signer -> coordinator: one nonce commitment per message (whatever the signer's weight). */
export type NonceResponse = {
  type: 'nonce-response';
  dkgId: number;
  signId: number;
  iterId: number;
  signerId: number;
  keyIds: number[];
  /** Digest of the request body this signer committed for (binds messages and request ids). */
  bodyDigest: Hex;
  /** nonces[m] = the commitment for message m. */
  nonces: NonceCommitment[];
  signature: Hex;
};

/** Coordinator -> all: the signing set is the signers of `nonceResponses`. */
export type SignatureShareRequest = {
  type: 'signature-share-request';
  dkgId: number;
  signId: number;
  iterId: number;
  nonceResponses: NonceResponse[];
} & SignRequestBody;

/** Signer -> coordinator: shares[m] = z_p for message m (covers all owned key ids). */
export type SignatureShareResponse = {
  type: 'signature-share-response';
  dkgId: number;
  signId: number;
  iterId: number;
  signerId: number;
  shares: Hex[];
};

/** Coordinator -> all: the new key signed its verification message; signers check and adopt. */
export type PublicAddressAvailable = {
  type: 'public-address-available';
  dkgId: number;
  groupKey: Hex;
  signature: Hex;
};

/** Every message of the protocol (closed union). */
export type ProtocolMessage =
  | DkgBegin
  | DkgPublicShares
  | DkgPrivateBegin
  | DkgPrivateShares
  | DkgEndBegin
  | DkgEnd
  | DkgQuery
  | DkgQueryResponse
  | NonceRequest
  | NonceResponse
  | SignatureShareRequest
  | SignatureShareResponse
  | PublicAddressAvailable;

/**
 * Every payload tag is a `@peg/wire` message kind (checked at compile time). The payload shapes
 * are not yet `@peg/wire`'s: see the package README, "Not done".
 */
export type ProtocolKind = KindOf<ProtocolMessage['type']>;
type KindOf<T extends Kind> = T;

/**
 * Messages only the active coordinator may send. Differs from `@peg/wire`'s `COORDINATOR_KINDS`
 * in the DKG query: here a signer asks the coordinator for peers' messages it lost (`dkg-query`)
 * and the coordinator answers (`dkg-query-response`); in `@peg/wire` the coordinator queries.
 */
export const COORDINATOR_ONLY: ReadonlySet<ProtocolMessage['type']> = new Set([
  'dkg-begin',
  'dkg-private-begin',
  'dkg-end-begin',
  'dkg-query-response',
  'nonce-request',
  'signature-share-request',
  'public-address-available',
]);
