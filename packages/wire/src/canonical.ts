/**
 * Canonical JSON text of a JSON value (the RFC 8785 JCS rules, for the subset the protocol
 * uses): no whitespace; object members sorted by key in UTF-16 code-unit order; strings as
 * JSON.stringify writes them; numbers as JSON.stringify writes them (every protocol number
 * is a safe integer, so plain decimal digits, no sign on zero, no exponent).
 *
 * The text is built directly, without creating objects, so keys such as `__proto__` are
 * handled as plain data. Returns undefined for a value that has no JSON form (a function,
 * undefined, a non-finite number, a bigint): callers treat that as "not canonical".
 */
export function canonicalJson(value: unknown): string | undefined {
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
          const part = canonicalJson(item);
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
        const part = canonicalJson(record[key]);
        if (part === undefined) return undefined;
        parts.push(`${JSON.stringify(key)}:${part}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}
