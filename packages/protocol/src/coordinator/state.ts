/** Coordinator state: plain JSON, no secrets (the coordinator holds none). */
import type { OutgoingOf, Payload, WireEnvelope } from '../envelopes.ts';
import { assertConfig, type FederationConfig } from '../federation.ts';
import type { Hex } from '../hex.ts';
import { type CarriedKeys, carryKeys, retire } from '../retained-keys.ts';
import { type CoordinatorView, initialView } from '../selection.ts';
import { DKG_IDS_PER_SCOPE } from '../session-ids.ts';
import type { SignBody } from '../sign-body.ts';
import type { NonceCommitment, PublicKeyPackage } from '../signing-crypto.ts';

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
  | 'wrong-group-key'
  | 'wrong-public-shares';

/** The aggregate key, its signing layout and public shares; holders = the layout's parties. */
export type CoordinatorKey = {
  dkgId: number;
  pub: PublicKeyPackage;
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
  /** The parties of `dkg-begin` (the federation less `excluded`). */
  invited: number[];
  phase: 'public' | 'private' | 'end' | 'verify';
  /** Round-1 envelopes as received (the first copy of each party; the echo is of these). */
  publics: Record<string, WireEnvelope>;
  /** The parties of `dkg-private-begin`: the new key's layout (fixed from here on). */
  privateIds: number[];
  privates: Record<string, WireEnvelope>;
  /** `dkg-end` statuses (a `dkg-query-response` with a result counts as one). */
  ends: Record<string, Payload<'dkg-end'>['status']>;
  /**
   * The signed envelopes of the ok results (`dkg-end` or `dkg-query-response`): forwarded to every
   * other holder in the verification round, so that each checks the others' transcripts itself.
   */
  results: Record<string, WireEnvelope>;
  /** Key computed from the accepted polynomials, before its verification round. */
  candidate: CoordinatorKey | null;
  /** When the current phase began (laggards get peers' messages forwarded after a while). */
  phaseStartedAt: number;
};

/** A signing run (a peg-out, or the verification round of a new key). */
export type SignRun = {
  signId: number;
  iteration: number;
  purpose: 'sign' | 'dkg-verification';
  body: SignBody;
  key: CoordinatorKey;
  /** The verification round needs every key holder; a peg-out the first to reach threshold. */
  requireAll: boolean;
  phase: 'nonce' | 'share';
  excluded: Record<string, ExclusionReason>;
  /** Arrival order of valid nonce responses in this iteration. */
  order: number[];
  nonces: Record<string, NonceCommitment[]>;
  request: OutgoingOf<'signature-share-request'> | null;
  shares: Record<string, Hex[]>;
  /** Share phases started (the ROAST/FIRE bound is n - t + 1). */
  attempts: number;
  nonceTimeouts: number;
  startedAt: number;
};

/**
 * A peg-out to sign, queued until this coordinator is active and idle. `dkgId` names the key it
 * signs under (the current one or a retained earlier one: the key that locks the inputs); without
 * it, the current key.
 */
export type SignCommand = SignBody & { dkgId?: number };

/** Whole coordinator state. */
export type CoordinatorState = {
  config: CoordinatorConfig;
  view: CoordinatorView;
  /**
   * Highest DKG id used: our own, or the active coordinator's (mirrored within its window), so a
   * takeover continues above it. DKG ids never repeat (`session-ids.ts`).
   */
  maxDkgId: number;
  /** Sign ids last used in `signScope` (our own scope: they start over in a new one). */
  signScope: string;
  maxSignId: number;
  maxIteration: number;
  /** The current key: peg-outs sign under it unless they name another. */
  key: CoordinatorKey | null;
  /**
   * Earlier keys (public data), newest first, at most `RETAINED_KEYS` (`retained-keys.ts`): a
   * peg-out naming one of their DKG ids signs, aggregates and verifies under it.
   */
  previous: CoordinatorKey[];
  dkg: DkgRun | null;
  sign: SignRun | null;
  dkgQueued: boolean;
  queue: SignCommand[];
  /** Tag of the phase deadline currently armed (stale timers are ignored). */
  deadline: string | null;
  /**
   * When the armed phase began and its deadline (ms; null with no phase): the resend interval
   * follows its span (`resendEvery`). Absent in states persisted before it existed.
   */
  phase?: { from: number; until: number } | null;
};

/** A fresh coordinator. Validates the config at the boundary. */
export function initialCoordinatorState(config: CoordinatorConfig): CoordinatorState {
  assertConfig(config.federation);
  if (!config.federation.parties.some((p) => p.id === config.id))
    throw new RangeError(`coordinator id ${config.id} is not in the federation`);
  // Each attempt takes a new DKG id; signers accept DKG_IDS_PER_SCOPE of them per scope.
  if (
    !Number.isInteger(config.maxDkgAttempts) ||
    config.maxDkgAttempts < 1 ||
    config.maxDkgAttempts > DKG_IDS_PER_SCOPE
  )
    throw new RangeError(`"maxDkgAttempts" expected an integer in 1..${DKG_IDS_PER_SCOPE}`);
  if (!Number.isInteger(config.maxNonceTimeouts) || config.maxNonceTimeouts < 1)
    throw new RangeError('"maxNonceTimeouts" expected a positive integer');
  return {
    config,
    view: initialView,
    maxDkgId: 0,
    signScope: '',
    maxSignId: 0,
    maxIteration: 0,
    key: null,
    previous: [],
    dkg: null,
    sign: null,
    dkgQueued: false,
    queue: [],
    deadline: null,
    phase: null,
  };
}

/** `key` becomes the current key; the one it replaces is retained (`retire`). */
export function installKey(s: CoordinatorState, key: CoordinatorKey): CoordinatorState {
  return { ...s, key, previous: retire(s.previous, s.key, key) };
}

/** The keys this state hands to the next epoch's machine: current first, then earlier. */
export function coordinatorCarriedKeys(s: CoordinatorState): CarriedKeys<CoordinatorKey> {
  return {
    keys: [...(s.key === null ? [] : [s.key]), ...(s.previous ?? [])],
    maxDkgId: s.maxDkgId,
  };
}

/** `s` with another epoch's keys among its earlier ones (`carryKeys`), as a shell seeds it. */
export function withCarriedCoordinatorKeys(
  s: CoordinatorState,
  carried: CarriedKeys<CoordinatorKey>,
): CoordinatorState {
  const busyIds = s.dkg === null ? [] : [s.dkg.dkgId];
  return { ...s, ...carryKeys({ ...s, current: s.key, busyIds }, carried) };
}
