/** What a signer reports to its shell (logs, metrics, operator UI). Never carries secrets. */
import type { TipRefusal } from '../chain-tip.ts';
import type { WireEnvelope } from '../envelopes.ts';
import type { MessagingKeysInput } from '../messaging-keys.ts';
import type { NewKeyRefusal } from '../new-key-layout.ts';
import type { PolicyDecision } from '../policy.ts';

/** Why a share request is refused (the nonce it was for is burnt). */
export type ShareRefusal =
  | 'body-changed'
  | 'unknown-key'
  | 'unsorted-signers'
  | 'not-a-key-holder'
  | 'bad-key-ids'
  | 'bad-nonce-count'
  | 'own-commitment-altered'
  | 'own-commitment-duplicated'
  | 'not-in-signing-set'
  | 'below-threshold'
  | 'nonce-already-used'
  | 'rejected-package'
  /** The policy said no (its own words in the report's `detail`). */
  | 'policy-refused'
  | 'policy-messages-differ'
  | 'policy-output-differs';

/** Every reason a signer refuses a message: a closed set, so shells and dashboards can match it. */
export type RefusalReason =
  | ShareRefusal
  /** A coordinator-only kind from a party that is not the active coordinator. */
  | 'not-active-coordinator'
  /** A coordinator-only kind sealed for a tip too far from ours (docs/protocol/signing.md). */
  | TipRefusal
  /** A session id beyond what the coordinator may use in its scope (`session-ids.ts`). */
  | 'id-out-of-window'
  /** A share request for a nonce refused earlier (`cause` says why). */
  | 'nonce-burnt'
  /** A `dkg-private-begin` list that cannot hold a new key (docs/protocol/dkg.md). */
  | NewKeyRefusal
  /** `dkg-end-begin` lists other parties than `dkg-private-begin` fixed. */
  | 'layout-changed'
  /** A new-key holder signed another group key or round-1 transcript than ours (`transcript.ts`). */
  | 'transcript-mismatch'
  /** A verification round before every new-key holder's signed result matched ours. */
  | 'transcript-unconfirmed'
  | 'not-verified'
  | 'wrong-address';

export type SignerReport =
  | {
      kind: 'ignored';
      reason: 'old-id' | 'not-current' | 'unknown-sender' | 'wrong-layout';
      what: string;
    }
  | {
      kind: 'refused';
      reason: RefusalReason;
      signId?: number;
      iteration?: number;
      from?: number;
      /** For `nonce-burnt`: why the nonce was burnt. */
      cause?: ShareRefusal;
      /** For `policy-refused`: the policy's reason, as the shell's policy gave it. */
      detail?: string;
    }
  /** A share left, under the key of `dkgId` (the current one or a retained earlier one). */
  | { kind: 'share-sent'; dkgId: number; signId: number; iteration: number }
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
  /** The node's view of the Bitcoin tip: block hash (RPC display order) and height. */
  | { type: 'chain-tip'; tip: string; height: number }
  /** The shell's answer to a `check-policy` effect. */
  | { type: 'policy'; signId: number; iteration: number; decision: PolicyDecision }
  /** A party announced a new messaging key (`messaging-keys.ts`). */
  | MessagingKeysInput;
