/** What a signer reports to its shell (logs, metrics, operator UI). Never carries secrets. */
export type SignerReport =
  | {
      kind: 'ignored';
      reason: 'old-id' | 'not-current' | 'unknown-sender' | 'bad-evidence';
      what: string;
    }
  | { kind: 'refused'; reason: string; signId?: number; iterId?: number; from?: number }
  | { kind: 'share-sent'; signId: number; iterId: number }
  | { kind: 'dkg-ended'; dkgId: number; success: boolean }
  | { kind: 'key-verified'; dkgId: number; groupKey: string }
  | { kind: 'coordinator-changed'; active: number | null };

/** Inputs of the signer machine. */
export type SignerInput =
  | { type: 'message'; from: number; message: import('../messages.ts').ProtocolMessage }
  | { type: 'timer'; id: string }
  | { type: 'chain-tip'; tip: string };
