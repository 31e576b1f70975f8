/** Error codes of `sbtc-registry` (u400..u402 as in the deployed sBTC registry). */
export const REGISTRY_ERRORS = Object.freeze({
  UNAUTHORIZED: 400,
  INVALID_REQUEST_ID: 401,
  AGG_PUBKEY_REPLAY: 402,
  INVALID_PUBKEY: 403,
  INVALID_THRESHOLD: 404,
  INVALID_SIGNER_SET_SIZE: 405,
  KEY_NOT_REGISTERED: 406,
  NOT_A_CANDIDATE: 407,
  KEY_IN_USE: 408,
  DUPLICATE_KEY: 409,
  TOO_MANY_CANDIDATES: 410,
} as const);

/** Error codes of `sbtc-withdrawal` (u500..u508 as in the deployed sBTC withdrawal contract). */
export const WITHDRAWAL_ERRORS = Object.freeze({
  INVALID_ADDR_VERSION: 500,
  INVALID_ADDR_HASHBYTES: 501,
  DUST_LIMIT: 502,
  INVALID_REQUEST: 503,
  INVALID_CALLER: 504,
  ALREADY_PROCESSED: 505,
  FEE_TOO_HIGH: 506,
  /** Prefix of a failed `complete-withdrawals` entry: see {@link decodeBatchError}. */
  WITHDRAWAL_INDEX_PREFIX: 507,
  INVALID_BURN_HASH: 508,
  MISSING_ACCEPT_FIELD: 509,
  EMPTY_BATCH: 510,
} as const);

/** Error codes of `sbtc-token`, plus the native ft-* codes its functions pass through. */
export const TOKEN_ERRORS = Object.freeze({
  /** ft-burn?/ft-transfer?: balance too low. */
  INSUFFICIENT_BALANCE: 1,
  /** ft-transfer?: sender is the recipient. */
  SENDER_IS_RECIPIENT: 2,
  /** ft-transfer?: amount not positive. */
  NON_POSITIVE_AMOUNT: 3,
  NOT_AUTHORIZED: 600,
  NOT_OWNER: 601,
  INVALID_AMOUNT: 602,
} as const);

const BATCH_BASE = 507_000_000;

/** A `complete-withdrawals` failure: which entry (0-based) failed, with which error code. */
export type BatchError = { index: number; code: number };

/**
 * Splits a `complete-withdrawals` error `u507000000 + index * 1000 + code` into its entry index
 * and the entry's own error code; undefined when `code` is not a batch error.
 */
export function decodeBatchError(code: number | bigint): BatchError | undefined {
  const n = Number(code);
  if (!Number.isSafeInteger(n) || n < BATCH_BASE || n >= BATCH_BASE + 1_000_000) return undefined;
  const rest = n - BATCH_BASE;
  return { index: Math.floor(rest / 1000), code: rest % 1000 };
}

const NAMES: ReadonlyMap<number, string> = new Map(
  [
    ...Object.entries(REGISTRY_ERRORS),
    ...Object.entries(WITHDRAWAL_ERRORS),
    ...Object.entries(TOKEN_ERRORS),
  ].map(([name, code]) => [code, name]),
);

/** The constant name of a contract error code (`505` -> `ALREADY_PROCESSED`), batch codes included. */
export function errorName(code: number | bigint): string | undefined {
  const batch = decodeBatchError(code);
  if (batch) {
    const inner = NAMES.get(batch.code) ?? `u${batch.code}`;
    return `WITHDRAWAL_INDEX[${batch.index}]:${inner}`;
  }
  return NAMES.get(Number(code));
}
