import { createHash, createHmac } from 'node:crypto';
import type { Hmac } from './core/token.ts';

// The shell's hash functions, handed to the pure core (which imports no node:*). Native code:
// a token is checked on every request and a post is digested on every post, and node:crypto is
// several times faster than a JavaScript hash there.

/** HMAC-SHA256 of a UTF-8 message. */
export const hmacSha256: Hmac = (key, message) =>
  createHmac('sha256', key).update(message).digest();

/** SHA-256 of the concatenated parts (strings as UTF-8), lowercase hex. */
export function sha256Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}
