/**
 * Signer state: plain JSON data, persisted by the shell and restored after a restart. It holds
 * secrets (DKG polynomial until the DKG ends, key-id signing shares, unused nonces): the shell
 * must store it encrypted. The identity key is not here: the shell seals every message.
 */
import type { DkgSecret, PrivateShares, PublicShares } from '../dkg-crypto.ts';
import type { OutgoingOf, Payload, WireEnvelope, WireEnvelopeOf } from '../envelopes.ts';
import { assertConfig, type FederationConfig } from '../federation.ts';
import type { Hex } from '../hex.ts';
import { type CarriedKeys, carryKeys, retire } from '../retained-keys.ts';
import { type CoordinatorView, initialView } from '../selection.ts';
import type { DkgIdWindow } from '../session-ids.ts';
import type { SignBody } from '../sign-body.ts';
import type { PublicKeyPackage, SecretNonce } from '../signing-crypto.ts';
import type { ShareRefusal } from './reports.ts';

/** Static configuration of one signer. */
export type SignerConfig = {
  /** This signer's party id. */
  id: number;
  federation: FederationConfig;
};

/** A coordinator's list of parties for a DKG phase with its echo of their messages. */
export type EchoList = { partyIds: number[]; echo: Hex[] };

/** Progress of the DKG this signer takes part in. */
export type SignerDkg = {
  dkgId: number;
  /** Polynomial and kex secret; coefficients are erased once DKG ends. */
  secret: DkgSecret;
  ownPublic: PublicShares;
  /** Peers' public shares as received (the opened envelopes: they are the evidence). */
  publics: Record<string, WireEnvelope>;
  privateBegin: EchoList | null;
  ownPrivate: PrivateShares | null;
  privates: Record<string, WireEnvelope>;
  endBegin: EchoList | null;
  end: Payload<'dkg-end'> | null;
};

/**
 * Key shares from a finished DKG. `verificationSigned`: this signer gave its share of the key's
 * verification signature; only then does it accept the key for peg-outs.
 */
export type SignerKey = {
  dkgId: number;
  pub: PublicKeyPackage;
  /** key id (of the key's layout) -> signing share. */
  keyShares: Record<string, Hex>;
  status: 'unverified' | 'verified';
  verificationSigned: boolean;
  /**
   * For a key from our own DKG: the echo hash of the round-1 transcript we used, and the other
   * holders whose signed results named the same one (`transcript.ts`); null for a key installed
   * otherwise (a trusted dealer in the simulation).
   */
  transcript: { echoHash: Hex; confirmedBy: number[] } | null;
};

/** The signing iteration this signer has committed nonces for (at most one at a time). */
export type SignerSigning = {
  dkgId: number;
  signId: number;
  iteration: number;
  body: SignBody;
  bodyDigest: Hex;
  /** nonces[m] for message m; null once used or burnt. */
  nonces: SecretNonce[] | null;
  response: OutgoingOf<'nonce-response'>;
  /** Digest of the one share request answered with this nonce, and the answer. */
  answered: { requestDigest: Hex; response: OutgoingOf<'signature-share-response'> } | null;
  /** Why the nonce was burnt without a share, if it was. */
  refused: ShareRefusal | null;
  /** The share request (checked) whose policy decision is awaited; not persisted on its own. */
  awaitingPolicy: {
    requestDigest: Hex;
    envelope: WireEnvelopeOf<'signature-share-request'>;
  } | null;
};

/** Whole signer state. */
export type SignerState = {
  config: SignerConfig;
  view: CoordinatorView;
  /** Highest DKG id seen from an active coordinator (older ones are ignored). */
  maxDkgId: number;
  /** Where the current coordinator scope's DKG id window began (`session-ids.ts`). */
  dkgIdWindow: DkgIdWindow;
  dkg: SignerDkg | null;
  /** Verified key used for peg-outs by default (the newest). */
  current: SignerKey | null;
  /**
   * Earlier verified keys, newest first, at most `RETAINED_KEYS` (`retained-keys.ts`): a request
   * naming one of their DKG ids signs with it (UTXOs still locked under an earlier key).
   */
  previous: SignerKey[];
  /** Key from the latest DKG, awaiting its verification round and publication. */
  pending: SignerKey | null;
  /**
   * Highest (signId, iteration) committed to in `scope` (the coordinator and tip that issued it,
   * `idScope`); requests at or below it in that scope get no fresh nonce. A new scope starts over.
   */
  lastSign: { scope: string; signId: number; iteration: number };
  signing: SignerSigning | null;
  /**
   * False from a new tip until some coordinator message arrives (from any member, active or
   * not): until then no coordinator runs, so silence is not counted toward a takeover. Absent
   * (a state from before this field): true.
   */
  heardSinceTip?: boolean;
};

/** A fresh signer (no key yet). Validates the config at the boundary. */
export function initialSignerState(config: SignerConfig): SignerState {
  assertConfig(config.federation);
  if (!config.federation.parties.some((p) => p.id === config.id))
    throw new RangeError(`signer id ${config.id} is not in the federation`);
  return {
    config,
    view: initialView,
    maxDkgId: 0,
    dkgIdWindow: { scope: '', base: 0 },
    dkg: null,
    current: null,
    previous: [],
    pending: null,
    lastSign: { scope: '', signId: 0, iteration: 0 },
    signing: null,
  };
}

/** `key` becomes the current key (verified); the one it replaces is retained (`retire`). */
export function installKey(s: SignerState, key: SignerKey): SignerState {
  return {
    ...s,
    current: { ...key, status: 'verified' },
    previous: retire(s.previous, s.current, key),
    pending: s.pending?.dkgId === key.dkgId ? null : s.pending,
  };
}

/** The verified keys this state hands to the next epoch's machine: current first, then earlier. */
export function signerCarriedKeys(s: SignerState): CarriedKeys<SignerKey> {
  const keys = [...(s.current === null ? [] : [s.current]), ...(s.previous ?? [])];
  return { keys: keys.filter((k) => k.status === 'verified'), maxDkgId: s.maxDkgId };
}

/**
 * `s` with another epoch's verified keys among its earlier ones (`carryKeys`): a shell does this
 * when it starts or reopens an epoch's machine, before the machine runs.
 */
export function withCarriedSignerKeys(
  s: SignerState,
  carried: CarriedKeys<SignerKey>,
): SignerState {
  const busyIds = [s.pending?.dkgId, s.dkg?.dkgId].filter((id) => id !== undefined);
  return { ...s, ...carryKeys({ ...s, busyIds }, carried) };
}
