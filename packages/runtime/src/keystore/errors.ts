/** Why a keystore operation failed; every message is safe to log (no password, no key byte). */
export type KeystoreErrorCode =
  | 'wrong-password'
  | 'tampered'
  | 'truncated'
  | 'not-a-keystore'
  | 'unsupported'
  | 'exists'
  | 'unreadable'
  | 'no-password'
  | 'invalid-argument';

export class KeystoreError extends Error {
  readonly code: KeystoreErrorCode;
  constructor(code: KeystoreErrorCode, message: string) {
    super(message);
    this.name = 'KeystoreError';
    this.code = code;
  }
}
