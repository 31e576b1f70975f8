import { serializeError } from './serialize-error.ts';

/** What a censored value is logged as. */
export const CENSORED = '[redacted]';

// Matched against the key lowercased without `_` and `-`, as a suffix: `password`,
// `keystorePassword`, `secret_key`, `tokenSecret`, `Authorization`, `x-api-key` are censored;
// `publicKey`, `messagingKey`, `tokenExpiresAt` are not.
const SECRET_SUFFIXES = [
  'password',
  'passphrase',
  'secret',
  'secretkey',
  'privatekey',
  'token',
  'authorization',
  'cookie',
  'mnemonic',
  'apikey',
] as const;

/** Whether a log field's name marks it as secret (see SECRET_SUFFIXES). */
export function isSecretLogKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

const MAX_DEPTH = 32;

/**
 * A copy of a log record with every secret-named field, at any depth (in arrays too), replaced
 * by CENSORED. Errors anywhere become their serialized form (serializeError); values with a
 * `toJSON` are walked as what they serialize to, so nothing reaches the output unchecked.
 * pino's own `redact` paths cannot do this: each `*` there matches exactly one level.
 */
export function censorSecrets<T>(value: T): T {
  return walk(value, 0, []) as T;
}

function walk(value: unknown, depth: number, ancestors: object[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return value;
  if (ancestors.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return walk(serializeError(value), depth, ancestors);
  // What JSON.stringify would write for it (a Date's string, a Buffer's bytes, a keystore's
  // public info) is what gets checked.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    return walk(toJSON.call(value), depth + 1, ancestors);
  }
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, inner));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretLogKey(k) ? CENSORED : walk(v, depth + 1, inner);
  }
  return out;
}
