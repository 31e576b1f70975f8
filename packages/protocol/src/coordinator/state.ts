/** Coordinator state: plain JSON, no secrets (the coordinator holds none). */
import type { Hex, PublicKeyPackage } from '../crypto.ts';
import type {
  DkgEnd,
  DkgPrivateShares,
  DkgPublicShares,
  NonceResponse,
  SignatureShareRequest,
  SignatureShareResponse,
  SignRequestBody,
} from '../messages.ts';
import { type CoordinatorView, initialView } from '../selection.ts';
import { assertConfig, type FederationConfig } from '../types.ts';

/** Static configuration of one coordinator process. */
export type CoordinatorConfig = {
  /** The party id this coordinator speaks as (it is one of the signers' hosts). */
  id: number;
  federation: FederationConfig;
  /** DKG attempts (each excluding the culprits of the previous one) before `dkg-failed`. */
  maxDkgAttempts: number;
  /** Nonce phases that may end below threshold before `insufficient-signers`. */
  maxNonceTimeouts: number;
};

/** Why a party was left out. `silent*` are liveness faults; the rest are proven misbehaviour. */
export type ExclusionReason =
  | 'silent'
  | 'silent-after-nonce'
  | 'bad-share'
  | 'bad-nonce'
  | 'bad-proof-of-knowledge'
  | 'bad-public-shares'
  | 'bad-private-shares'
  | 'equivocation'
  | 'false-complaint'
  | 'wrong-group-key';

/** The verified aggregate key and the parties holding shares of it. */
export type CoordinatorKey = {
  dkgId: number;
  pub: PublicKeyPackage;
  holders: number[];
  /** BIP340 signature of the key's verification message (empty until verified). */
  verification: Hex;
};

/** A DKG in progress (one attempt; `excluded` carries over between attempts). */
export type DkgRun = {
  dkgId: number;
  attempt: number;
  /** Left out of this attempt (culprits and silent parties of earlier attempts). */
  excluded: Record<string, ExclusionReason>;
  /** Proven misbehaviour in this attempt. */
  culprits: Record<string, ExclusionReason>;
  invited: number[];
  phase: 'public' | 'private' | 'end' | 'verify';
  publics: Record<string, DkgPublicShares>;
  privateIds: number[];
  privates: Record<string, DkgPrivateShares>;
  endIds: number[];
  ends: Record<string, DkgEnd>;
  /** Key computed from the accepted polynomials, before its verification round. */
  candidate: CoordinatorKey | null;
};

/** A signing run (a peg-out, or the verification round of a new key). */
export type SignRun = {
  signId: number;
  iterId: number;
  body: SignRequestBody;
  key: CoordinatorKey;
  /** The verification round needs every key holder; a peg-out the first to reach threshold. */
  requireAll: boolean;
  phase: 'nonce' | 'share';
  excluded: Record<string, ExclusionReason>;
  /** Arrival order of valid nonce responses in this iteration. */
  order: number[];
  nonces: Record<string, NonceResponse>;
  request: SignatureShareRequest | null;
  shares: Record<string, SignatureShareResponse>;
  /** Share phases started (the ROAST/FIRE bound is n - t + 1). */
  attempts: number;
  nonceTimeouts: number;
  startedAt: number;
};

/** A peg-out to sign, queued until this coordinator is active and idle. */
export type SignCommand = {
  requestIds: string[];
  payload: Hex;
  messages: Hex[];
  /** `''` for the peg wallet's key-path output (BIP86 tweak); see `SignRequestBody`. */
  merkleRoot: Hex | null;
};

/** Whole coordinator state. */
export type CoordinatorState = {
  config: CoordinatorConfig;
  view: CoordinatorView;
  /** Highest ids used by any coordinator (mirrored), so a takeover continues above them. */
  maxDkgId: number;
  maxSignId: number;
  maxIterId: number;
  key: CoordinatorKey | null;
  dkg: DkgRun | null;
  sign: SignRun | null;
  dkgQueued: boolean;
  queue: SignCommand[];
  /** Tag of the phase deadline currently armed (stale timers are ignored). */
  deadline: string | null;
};

/** A fresh coordinator. Validates the config at the boundary. */
export function initialCoordinatorState(config: CoordinatorConfig): CoordinatorState {
  assertConfig(config.federation);
  if (!config.federation.parties.some((p) => p.id === config.id))
    throw new RangeError(`coordinator id ${config.id} is not in the federation`);
  if (!Number.isInteger(config.maxDkgAttempts) || config.maxDkgAttempts < 1)
    throw new RangeError('"maxDkgAttempts" expected a positive integer');
  if (!Number.isInteger(config.maxNonceTimeouts) || config.maxNonceTimeouts < 1)
    throw new RangeError('"maxNonceTimeouts" expected a positive integer');
  return {
    config,
    view: initialView,
    maxDkgId: 0,
    maxSignId: 0,
    maxIterId: 0,
    key: null,
    dkg: null,
    sign: null,
    dkgQueued: false,
    queue: [],
    deadline: null,
  };
}
