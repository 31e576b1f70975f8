import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * Canonical JSON text of a JSON value (the RFC 8785 JCS rules, for the subset the protocol
 * uses): no whitespace; object members sorted by key in UTF-16 code-unit order; strings as
 * JSON.stringify writes them; numbers as JSON.stringify writes them (every protocol number
 * is a safe integer, so plain decimal digits, no sign on zero, no exponent).
 *
 * The text is built directly, without creating objects, so keys such as `__proto__` are
 * handled as plain data. Returns undefined for a value that has no JSON form (a function,
 * undefined, a non-finite number, a bigint) or nested deeper than `MAX_DEPTH` (protocol
 * values nest 8 levels at most): callers treat that as "not canonical".
 */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, 0);
}

/** Deeper than any protocol value; bounds the recursion on hostile input. */
const MAX_DEPTH = 64;

function write(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'object': {
      if (Array.isArray(value)) {
        const parts: string[] = [];
        for (const item of value) {
          const part = write(item, depth + 1);
          if (part === undefined) return undefined;
          parts.push(part);
        }
        return `[${parts.join(',')}]`;
      }
      if (
        Object.getPrototypeOf(value) !== Object.prototype &&
        Object.getPrototypeOf(value) !== null
      ) {
        return undefined;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const part = write(record[key], depth + 1);
        if (part === undefined) return undefined;
        parts.push(`${JSON.stringify(key)}:${part}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/** The canonical `"key":value` members of a JSON object, sorted by key; undefined if any has no form. */
export function canonicalMembers(record: Record<string, unknown>): string[] | undefined {
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const part = write(record[key], 1);
    if (part === undefined) return undefined;
    members.push(`${JSON.stringify(key)}:${part}`);
  }
  return members;
}

/**
 * The canonical text of a JSON object with and without one member, in one pass over the
 * values: the envelope is sent with its `signature` and signed without it.
 */
export function canonicalWithAndWithout(
  record: Record<string, unknown>,
  omit: string,
): { full: string; without: string } | undefined {
  const members = canonicalMembers(record);
  if (members === undefined) return undefined;
  const prefix = `${JSON.stringify(omit)}:`;
  const rest = members.filter((member) => !member.startsWith(prefix));
  return { full: `{${members.join(',')}}`, without: `{${rest.join(',')}}` };
}

/**
 * The JSON form of a decoded value: byte arrays become lowercase hex strings, everything else
 * is copied as is. (The inverse of the schemas' hex codecs, for any protocol value.) With
 * `bytes: 'keep'` byte arrays are kept as they are, so the copy of a value that should already
 * be in JSON form still fails the schema where it is not.
 */
export function toJsonForm(value: unknown, bytes: 'hex' | 'keep' = 'hex'): unknown {
  if (value instanceof Uint8Array) return bytes === 'hex' ? bytesToHex(value) : value;
  if (Array.isArray(value)) return value.map((item) => toJsonForm(item, bytes));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: toJsonForm((value as Record<string, unknown>)[key], bytes),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
