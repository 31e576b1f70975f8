/**
 * Strict parsing of key packages and threshold parameters at the API boundary.
 * @module
 */
import { aarray, abytes, ainteger, aobject } from '../assert.ts';
import type { Identifier } from '../errors.ts';
import { InvalidSessionError } from '../errors.ts';
import { parseIdentifier } from '../identifier.ts';
import { decodePoint, type Point } from '../math/point.ts';
import { decodeScalar } from '../math/scalar.ts';
import type { FrostPublic, FrostSecret, Signers } from './types.ts';

/** Largest participant count (ZF uses u16 counts). */
export const MAX_SIGNERS = 65535;

/** 2 ≤ min ≤ max ≤ 65535 (ZF and noble reject min < 2 although RFC 9591 allows 1). */
export function validateSigners(signers: unknown, field = 'signers'): Signers {
  const o = aobject(signers, field);
  const max = ainteger(o.max, `${field}.max`, 2, MAX_SIGNERS);
  const min = ainteger(o.min, `${field}.min`, 2, max);
  return { min, max };
}

/** Parsed secret package. */
export type ParsedSecret = {
  readonly id: bigint;
  readonly idHex: Identifier;
  readonly share: bigint;
};

export function parseSecret(secret: FrostSecret, field = 'secret'): ParsedSecret {
  const o = aobject(secret, field);
  const id = parseIdentifier(o.identifier, `${field}.identifier`);
  abytes(o.signingShare, `${field}.signingShare`, 32);
  const share = decodeScalar(o.signingShare, `${field}.signingShare`);
  return { id, idHex: secret.identifier, share };
}

/** Checks the package shape and decodes only the group key (verifying shares stay lazy). */
export function parsePublic(
  pub: FrostPublic,
  field = 'pub',
): { signers: Signers; groupKey: Point; pub: FrostPublic } {
  const o = aobject(pub, field);
  const signers = validateSigners(o.signers, `${field}.signers`);
  const commitments = aarray(o.commitments, `${field}.commitments`);
  if (commitments.length !== signers.min)
    throw new InvalidSessionError(
      `${field}.commitments has ${commitments.length} entries, expected min=${signers.min}`,
    );
  aobject(o.verifyingShares, `${field}.verifyingShares`);
  return { signers, groupKey: decodePoint(commitments[0], `${field}.commitments[0]`), pub };
}

/** Decodes the verifying share of `id` from a public package. */
export function verifyingShareOf(pub: FrostPublic, idHex: Identifier): Point {
  const bytes = Object.hasOwn(pub.verifyingShares, idHex) ? pub.verifyingShares[idHex] : undefined;
  if (bytes === undefined) throw new InvalidSessionError(`no verifying share for ${idHex}`);
  return decodePoint(bytes, `pub.verifyingShares[${idHex}]`);
}
