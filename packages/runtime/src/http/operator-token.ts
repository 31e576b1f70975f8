import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiHttpError } from './errors.ts';

/** Shortest accepted operator token: 32 characters (a random token of at least 128 bits). */
export const OPERATOR_TOKEN_MIN_LENGTH = 32;
/** Longest accepted operator token (a header, not a document). */
export const OPERATOR_TOKEN_MAX_LENGTH = 512;

// Visible ASCII without spaces: what fits in `Authorization: Bearer <token>` unchanged.
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** Throws unless `token` can serve as an operator token (length, characters); never echoes it. */
export function assertOperatorToken(token: string): void {
  if (typeof token !== 'string') throw new TypeError('operator token: expected a string');
  if (token.length < OPERATOR_TOKEN_MIN_LENGTH || token.length > OPERATOR_TOKEN_MAX_LENGTH)
    throw new RangeError(
      `operator token: expected ${OPERATOR_TOKEN_MIN_LENGTH}..${OPERATOR_TOKEN_MAX_LENGTH} characters, got ${token.length}`,
    );
  if (!TOKEN_CHARS.test(token))
    throw new RangeError('operator token: only visible ASCII characters, no spaces');
}

/** A fresh operator token: 32 random bytes, base64url (43 characters). */
export function generateOperatorToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A checker of `Authorization` header values against `token`. Both sides are hashed with
 * SHA-256 first, so `timingSafeEqual` compares equal lengths and the time taken says nothing
 * about the token's length or how much of it a guess got right.
 */
export function operatorTokenMatcher(
  token: string,
): (authorization: string | undefined) => boolean {
  assertOperatorToken(token);
  const expected = digest(token);
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    // RFC 7235: the scheme is case-insensitive; one space, then the token as is.
    const match = /^bearer ([^\s]+)$/i.exec(authorization);
    if (!match) return false;
    return timingSafeEqual(digest(match[1] as string), expected);
  };
}

/**
 * An onRequest hook refusing, with one fixed 401, any request without `Authorization: Bearer
 * <token>` (missing, malformed and wrong tokens get the same answer). Added to an encapsulated
 * scope, it guards that scope's routes only.
 */
export function operatorAuth(
  token: string,
  realm: string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const matches = operatorTokenMatcher(token);
  const challenge = { 'www-authenticate': `Bearer realm="${realm}"` };
  return async (request) => {
    if (!matches(request.headers.authorization))
      throw new ApiHttpError(401, 'unauthenticated', 'operator token required', challenge);
  };
}
