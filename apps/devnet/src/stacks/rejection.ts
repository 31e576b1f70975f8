/**
 * A transaction refused at broadcast, in the Stacks node's JSON shape
 * (`{ error: 'transaction rejected', reason, reason_data, txid }`, HTTP 400).
 */
export class TxRejected extends Error {
  readonly reason: string;
  readonly reasonData: Record<string, unknown> | undefined;
  readonly txid: string;
  constructor(reason: string, txid: string, reasonData?: Record<string, unknown>) {
    super(`transaction rejected: ${reason}`);
    this.name = 'TxRejected';
    this.reason = reason;
    this.reasonData = reasonData;
    this.txid = txid;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: 'transaction rejected',
      reason: this.reason,
      ...(this.reasonData ? { reason_data: this.reasonData } : {}),
      txid: this.txid,
    };
  }
}
