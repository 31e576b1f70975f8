/** What a signer reports to its shell (logs, metrics, operator UI). Never carries secrets. */
import type { WireEnvelope } from '../envelopes.ts';
import type { PolicyDecision } from '../policy.ts';

export type SignerReport =
  | {
      kind: 'ignored';
      reason: 'old-id' | 'not-current' | 'unknown-sender' | 'wrong-layout';
      what: string;
    }
  | { kind: 'refused'; reason: string; signId?: number; iteration?: number; from?: number }
  | { kind: 'share-sent'; signId: number; iteration: number }
  | { kind: 'dkg-ended'; dkgId: number; success: boolean }
  | { kind: 'key-verified'; dkgId: number; groupKey: string; address: string }
  | { kind: 'coordinator-changed'; active: number | null };

/**
 * Inputs of the signer machine. `message`: an envelope the shell's `open` accepted (signature,
 * sender key and schema checked), in JSON form.
 */
export type SignerInput =
  | { type: 'message'; envelope: WireEnvelope }
  | { type: 'timer'; id: string }
  | { type: 'chain-tip'; tip: string }
  /** The shell's answer to a `check-policy` effect. */
  | { type: 'policy'; signId: number; iteration: number; decision: PolicyDecision };
