import type { ExcludedRequest } from './types.ts';

/** Why a sweep could not be built at all (per-request problems are exclusions, not errors). */
export type SweepErrorCode = 'nothing-to-sweep';

/** A sweep cannot be built from these parameters; `excluded` says what happened to each request. */
export class SweepError extends Error {
  override readonly name = 'SweepError';
  readonly code: SweepErrorCode;
  readonly excluded: readonly ExcludedRequest[];
  constructor(code: SweepErrorCode, message: string, excluded: readonly ExcludedRequest[]) {
    super(message);
    this.code = code;
    this.excluded = excluded;
  }
}

/** Why finalisation refused a signature or a transaction. */
export type FinalizeErrorCode =
  | 'input-count'
  | 'signature-length'
  | 'not-key-path'
  | 'invalid-signature'
  | 'unparseable';

/** Finalisation refused its input; `inputIndex` names the offending input when there is one. */
export class FinalizeError extends Error {
  override readonly name = 'FinalizeError';
  readonly code: FinalizeErrorCode;
  readonly inputIndex: number | undefined;
  constructor(code: FinalizeErrorCode, message: string, inputIndex?: number) {
    super(message);
    this.code = code;
    this.inputIndex = inputIndex;
  }
}
