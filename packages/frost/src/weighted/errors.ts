/**
 * Errors of the weighted layer. Messages name parties, key ids and fields, never secret values.
 * `code` is stable and meant for programs; `message` is for people.
 */
export type WeightedErrorCode =
  | 'INVALID_LAYOUT'
  | 'INVALID_INPUT'
  | 'MALFORMED_ELEMENT'
  | 'MALFORMED_SCALAR'
  | 'INVALID_PROOF'
  | 'DECRYPTION_FAILED'
  | 'INSUFFICIENT_SIGNERS'
  | 'INVALID_STATE';

export class WeightedError extends Error {
  override readonly name = 'WeightedError';
  readonly code: WeightedErrorCode;
  constructor(code: WeightedErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
