/** Coordinator inputs and typed outcomes. */
import type { Hex, PublicKeyPackage } from '../crypto.ts';
import type { ProtocolMessage } from '../messages.ts';
import type { ExclusionReason, SignCommand } from './state.ts';

/** Commands from the shell (the peg logic). */
export type CoordinatorCommand =
  | { kind: 'dkg' }
  | ({ kind: 'sign' } & SignCommand)
  /** Drop a queued peg-out (the shell saw it completed, e.g. the sweep confirmed). */
  | { kind: 'cancel'; requestIds: string[] }
  /** Adopt a verified key (a backup coordinator loads it from its co-located signer). */
  | { kind: 'set-key'; dkgId: number; pub: PublicKeyPackage; holders: number[]; verification: Hex };

export type CoordinatorInput =
  | { type: 'message'; from: number; message: ProtocolMessage }
  | { type: 'timer'; id: string }
  | { type: 'chain-tip'; tip: Hex }
  | { type: 'command'; command: CoordinatorCommand };

/** Typed outcomes and progress reports. Blame maps party id -> reason. */
export type CoordinatorReport =
  | {
      kind: 'signature';
      signId: number;
      requestIds: string[];
      messages: Hex[];
      /** The signatures verify under `outputKey(groupKey, merkleRoot)`. */
      merkleRoot: Hex | null;
      signatures: Hex[];
      attempts: number;
      excluded: Record<string, ExclusionReason>;
    }
  | {
      kind: 'insufficient-signers';
      signId: number;
      requestIds: string[];
      attempts: number;
      excluded: Record<string, ExclusionReason>;
    }
  | {
      kind: 'dkg-complete';
      dkgId: number;
      groupKey: Hex;
      pub: PublicKeyPackage;
      holders: number[];
      /** BIP340 signature of `dkgVerificationMessage(dkgId, groupKey)` by the new key. */
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
  | { kind: 'ignored'; reason: string; what: string; from: number };
