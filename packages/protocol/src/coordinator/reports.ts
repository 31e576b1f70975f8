/** Coordinator inputs and typed outcomes. */
import type { WireEnvelope } from '../envelopes.ts';
import type { Hex } from '../hex.ts';
import type { MessagingKeysInput } from '../messaging-keys.ts';
import type { Tweak } from '../output-key.ts';
import type { PublicKeyPackage } from '../signing-crypto.ts';
import type { ExclusionReason, SignCommand } from './state.ts';

/** Commands from the shell (the peg logic). */
export type CoordinatorCommand =
  | { kind: 'dkg' }
  /** A peg-out, under the key of `dkgId` (current or retained) or, without it, the current key. */
  | ({ kind: 'sign' } & SignCommand)
  /** Drop a queued peg-out (the shell saw it completed, e.g. the sweep confirmed). */
  | { kind: 'cancel'; withdrawalRequestIds: number[] }
  /** Adopt a verified key (a backup coordinator loads it from its co-located signer). */
  | { kind: 'set-key'; dkgId: number; pub: PublicKeyPackage; verification: Hex };

/**
 * Inputs of the coordinator machine. `message`: an envelope the shell's `open` accepted, in JSON
 * form (the machine keeps envelopes it may forward or judge evidence against).
 */
export type CoordinatorInput =
  | { type: 'message'; envelope: WireEnvelope }
  | { type: 'timer'; id: string }
  /** The node's view of the Bitcoin tip: block hash (RPC display order) and height. */
  | { type: 'chain-tip'; tip: Hex; height: number }
  | { type: 'command'; command: CoordinatorCommand }
  /** A party announced a new messaging key (`messaging-keys.ts`). */
  | MessagingKeysInput;

/** Typed outcomes and progress reports. Blame maps party id -> reason. */
export type CoordinatorReport =
  | {
      kind: 'signature';
      /** The key signed under (its DKG id), and its group key. */
      dkgId: number;
      groupKey: Hex;
      signId: number;
      withdrawalRequestIds: number[];
      messages: Hex[];
      /** The signatures verify under `outputKey(groupKey, tweak)` (the key of `dkgId`). */
      tweak: Tweak;
      signatures: Hex[];
      attempts: number;
      excluded: Record<string, ExclusionReason>;
    }
  | {
      kind: 'insufficient-signers';
      dkgId: number;
      signId: number;
      withdrawalRequestIds: number[];
      attempts: number;
      excluded: Record<string, ExclusionReason>;
    }
  | {
      kind: 'dkg-complete';
      dkgId: number;
      groupKey: Hex;
      /** The peg wallet: BIP341 key-path output key and its P2TR address. */
      outputKey: Hex;
      address: string;
      pub: PublicKeyPackage;
      /** BIP340 signature of the verification message by the new key (`dkgVerification`). */
      verification: Hex;
      attempts: number;
      excluded: Record<string, ExclusionReason>;
    }
  | {
      kind: 'dkg-failed';
      dkgId: number;
      culprits: Record<string, ExclusionReason>;
      missing: number[];
    }
  | {
      kind: 'dkg-attempt-failed';
      dkgId: number;
      culprits: Record<string, ExclusionReason>;
      missing: number[];
    }
  /** A queued peg-out whose key is no longer held (dropped past `RETAINED_KEYS`): not signed. */
  | { kind: 'unknown-key'; dkgId: number; withdrawalRequestIds: number[] }
  | { kind: 'ignored'; reason: string; what: string; from: number };
