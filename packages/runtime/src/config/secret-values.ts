/** Key names whose values a configuration error never shows (case-insensitive substrings). */
const SECRET_NAME = /password|secret|token|key/i;

/** Whether a key's name suggests its value is secret (`password`, `tokenSecret`, `apiKey`...). */
export function isSecretName(key: string): boolean {
  return SECRET_NAME.test(key);
}

/**
 * Every value (as text) found under a secret-named key anywhere in `doc`, so that messages
 * quoting one can be withheld. Strings, numbers and bigints at any depth below such a key.
 */
export function secretValues(doc: unknown): Set<string> {
  const found = new Set<string>();
  const collectAll = (v: unknown, depth: number): void => {
    if (depth > 64) return;
    if (typeof v === 'string') {
      if (v !== '') found.add(v);
    } else if (typeof v === 'number' || typeof v === 'bigint') {
      found.add(String(v));
    } else if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) collectAll(x, depth + 1);
    }
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (isSecretName(k)) collectAll(x, depth + 1);
      else walk(x, depth + 1);
    }
  };
  walk(doc, 0);
  return found;
}

/** `message`, or a neutral one if it contains any of `secrets`. */
export function withoutSecrets(message: string, secrets: ReadonlySet<string>): string {
  for (const s of secrets) {
    if (message.includes(s))
      return 'invalid value (message withheld: it quotes a secret-named key)';
  }
  return message;
}
