/** Signer state: plain JSON data, persisted by the shell and restored after a restart. */
import type { DkgPartySecret, Hex, PublicKeyPackage, SecretNonce } from '../crypto.ts';
import type {
  DkgEnd,
  DkgEndBegin,
  DkgPrivateShares,
  DkgPublicShares,
  NonceResponse,
  SignatureShareResponse,
  SignRequestBody,
} from '../messages.ts';
import { type CoordinatorView, initialView } from '../selection.ts';
import { assertConfig, type FederationConfig } from '../types.ts';

/** Static configuration of one signer. */
export type SignerConfig = {
  /** This signer's party id. */
  id: number;
  /** Identity secret key (hex), matching `publicKey` of this party in the federation. */
  identitySecret: Hex;
  federation: FederationConfig;
};

/** Progress of the DKG this signer takes part in. */
export type SignerDkg = {
  dkgId: number;
  /** Polynomial and kex secret; coefficients are erased once DKG ends. */
  secret: DkgPartySecret;
  ownPublic: DkgPublicShares;
  publics: Record<string, DkgPublicShares>;
  privateBegin: number[] | null;
  /** The coordinator's digest of each listed signer's public shares (round-1 echo). */
  privateEcho: Record<string, Hex> | null;
  ownPrivate: DkgPrivateShares | null;
  privates: Record<string, DkgPrivateShares>;
  endBegin: DkgEndBegin | null;
  end: DkgEnd | null;
};

/** Key shares from a finished DKG. Only a `verified` key signs peg-outs. */
export type SignerKey = {
  dkgId: number;
  pub: PublicKeyPackage;
  /** key id -> signing share. */
  keyShares: Record<string, Hex>;
  status: 'unverified' | 'verified';
};

/** The signing iteration this signer has committed nonces for (at most one at a time). */
export type SignerSigning = {
  dkgId: number;
  signId: number;
  iterId: number;
  body: SignRequestBody;
  bodyDigest: Hex;
  /** nonces[m] for message m; null once used or burnt. */
  nonces: SecretNonce[] | null;
  response: NonceResponse;
  /** Digest of the one share request answered with this nonce, and the answer. */
  answered: { requestDigest: Hex; response: SignatureShareResponse } | null;
  /** Why the nonce was burnt without a share, if it was. */
  refused: string | null;
};

/** Whole signer state. */
export type SignerState = {
  config: SignerConfig;
  view: CoordinatorView;
  /** Highest DKG id seen from an active coordinator (older ones are ignored). */
  maxDkgId: number;
  dkg: SignerDkg | null;
  /** Verified key used for peg-outs. */
  current: SignerKey | null;
  /** Key from the latest DKG, awaiting its verification round. */
  pending: SignerKey | null;
  /** Highest (signId, iterId) committed to; requests at or below it get no fresh nonce. */
  lastSign: { signId: number; iterId: number };
  signing: SignerSigning | null;
};

/** A fresh signer (no key yet). Validates the config at the boundary. */
export function initialSignerState(config: SignerConfig): SignerState {
  assertConfig(config.federation);
  if (!config.federation.parties.some((p) => p.id === config.id))
    throw new RangeError(`signer id ${config.id} is not in the federation`);
  if (!/^[0-9a-f]{64}$/.test(config.identitySecret))
    throw new RangeError('"identitySecret" expected 32-byte hex');
  return {
    config,
    view: initialView,
    maxDkgId: 0,
    dkg: null,
    current: null,
    pending: null,
    lastSign: { signId: 0, iterId: 0 },
    signing: null,
  };
}
