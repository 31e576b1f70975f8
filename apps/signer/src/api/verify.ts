import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type FederationKey,
  taprootOutputKey,
  type VerifyRequest,
  type VerifyResponse,
} from '@peg/wire';

/**
 * Checks a BIP340 signature against the federation key: `aggregate` is the x-only aggregate
 * key (FROST signatures with no tweak, as in the DKG verification round), `output` its BIP341
 * key-path output key (the peg wallet), derived here from the aggregate key rather than taken
 * from the status. Null when there is no key yet. Pure: no clock, no I/O.
 */
export function verifySignature(
  request: VerifyRequest,
  key: FederationKey | null,
): VerifyResponse | null {
  if (key === null) return null;
  const aggregate = hexToBytes(key.aggregateKey);
  const publicKey =
    request.key === 'aggregate' ? aggregate.subarray(1) : taprootOutputKey(aggregate);
  // A key whose tweak is out of range has no output key (never for a real DKG key): nothing
  // verifies under it.
  if (publicKey === null) throw new Error('the federation key has no BIP341 output key');
  let valid: boolean;
  try {
    valid = schnorr.verify(hexToBytes(request.signature), hexToBytes(request.message), publicKey);
  } catch {
    // noble throws on encodings it cannot parse (r >= p, s >= n): not a valid signature.
    valid = false;
  }
  return { valid, key: request.key, publicKey: bytesToHex(publicKey), dkgId: key.dkgId };
}
