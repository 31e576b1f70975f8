/**
 * Parsing the wire form of a commitment list into a validated, sorted signer list.
 * @module
 */
import { aarray, aobject } from '../assert.ts';
import { type Identifier, InvalidSessionError } from '../errors.ts';
import { parseIdentifier } from '../identifier.ts';
import type { NonceCommitments, Signers } from '../keys/types.ts';
import { decodePoint } from '../math/point.ts';
import { rememberBytes, type SignerCommitment, sortSigners } from './session.ts';

/** A parsed commitment list: signers ascending by id, with their hex ids. */
export type ParsedCommitments = {
  readonly signers: SignerCommitment[];
  readonly idHex: Identifier[];
};

/**
 * Strictly decodes every entry (identity/off-curve/non-canonical points are rejected), checks
 * min ≤ count ≤ max and rejects an identifier that appears twice.
 */
export function parseCommitmentList(
  list: readonly NonceCommitments[],
  signers: Signers,
): ParsedCommitments {
  aarray(list, 'commitmentList');
  if (list.length < signers.min || list.length > signers.max)
    throw new InvalidSessionError(
      `commitment list has ${list.length} entries, expected ${signers.min}..${signers.max}`,
    );
  const parsed = list.map((c, i) => {
    const f = `commitmentList[${i}]`;
    aobject(c, f);
    return {
      id: parseIdentifier(c.identifier, `${f}.identifier`),
      // Strictly decoded, so the wire bytes are the canonical encoding: hashed as they are.
      hiding: rememberBytes(decodePoint(c.hiding, `${f}.hiding`), c.hiding),
      binding: rememberBytes(decodePoint(c.binding, `${f}.binding`), c.binding),
    };
  });
  const sorted = sortSigners(parsed);
  return { signers: sorted, idHex: sorted.map((s) => idHexOf(list, s.id)) };
}

function idHexOf(list: readonly NonceCommitments[], id: bigint): Identifier {
  // Identifiers are canonical hex, so the original string is the canonical form.
  for (const c of list) if (BigInt(`0x${c.identifier}`) === id) return c.identifier;
  throw new InvalidSessionError('identifier vanished');
}
