/**
 * Who the federation is, from the registry contract's candidate list: the parties, their ids,
 * their key ids and the key each registered (docs/chains.md, `get-signer-candidates`).
 */
import { isCompressedPointHex } from '@peg/wire';
import type { Hex } from '../hex.ts';

/**
 * One entry of the registry's `get-signer-candidates`, as `@peg/stacks-client` decodes it
 * (`SignerCandidate`; structural here, the protocol does not depend on the chain client).
 */
export type RegistryCandidate = {
  /** The candidate's Stacks principal. */
  signer: string;
  /** Its weight in key ids; 0 = removed. */
  weight: bigint;
  /** The 33-byte compressed key it registered (hex), if any. */
  publicKey: string | undefined;
};

/** One party of the federation as the registry defines it. */
export type FederationParty = {
  /** Party id: 1-based index among the candidates kept (weight > 0 and a registered key). */
  id: number;
  /** The candidate's Stacks principal. */
  signer: string;
  /** Its key ids, contiguous, assigned by weight in registry order. */
  keyIds: number[];
  /** The registered key: 33-byte compressed secp256k1 point, lowercase hex. */
  registeredKey: Hex;
};

/** Most key ids a federation may have (the wire's ceiling; the registry allows 15 parties). */
export const MAX_TOTAL_KEY_IDS = 65_535;

/**
 * The parties of the registry's candidate list: candidates in registry order, keeping only
 * those with weight > 0 and a registered key; party id = 1-based index among those kept; key
 * ids contiguous by weight (party 1 owns 1..w1, party 2 the next w2, ...). Throws a RangeError
 * naming the candidate on a malformed registered key or a total weight over
 * MAX_TOTAL_KEY_IDS (the contract forbids the first; both would be a broken chain read).
 */
export function federationParties(candidates: readonly RegistryCandidate[]): FederationParty[] {
  const parties: FederationParty[] = [];
  let next = 1;
  for (const [i, c] of candidates.entries()) {
    if (c.weight <= 0n || c.publicKey === undefined) continue;
    const registeredKey = c.publicKey.toLowerCase().replace(/^0x/, '');
    if (!isCompressedPointHex(registeredKey)) {
      throw new RangeError(`candidates[${i}] (${c.signer}): registered key is not a curve point`);
    }
    if (c.weight > BigInt(MAX_TOTAL_KEY_IDS - next + 1)) {
      throw new RangeError(`candidates[${i}] (${c.signer}): over ${MAX_TOTAL_KEY_IDS} key ids`);
    }
    const w = Number(c.weight);
    parties.push({
      id: parties.length + 1,
      signer: c.signer,
      keyIds: Array.from({ length: w }, (_, k) => next + k),
      registeredKey,
    });
    next += w;
  }
  return parties;
}
