/** Why the state store refused; messages are safe to log (no state byte, no key byte). */
export type StateStoreErrorCode =
  | 'locked'
  | 'wrong-key'
  | 'tampered'
  | 'schema-too-new'
  | 'stale-version'
  | 'invalid-argument';

export class StateStoreError extends Error {
  readonly code: StateStoreErrorCode;
  constructor(code: StateStoreErrorCode, message: string) {
    super(message);
    this.name = 'StateStoreError';
    this.code = code;
  }
}
