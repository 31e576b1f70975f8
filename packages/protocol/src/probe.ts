/**
 * A probe round: the federation signs a message that can never spend anything, to show that it
 * can sign (an operator's liveness check, the process tests and the benchmark). The "transaction"
 * is a preimage starting with a fixed tag and its one message is the SHA-256 of it, like the DKG
 * verification round (`dkg-verification.ts`). No sighash can equal it: a BIP341 sighash is the
 * SHA-256 of a preimage starting with SHA-256("TapSighash") twice, not with this tag.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hex } from './hex.ts';
import type { PolicyDecision, PolicyRequest } from './policy.ts';

const PROBE_TAG = utf8ToBytes('peg/probe/v1');
/** Most bytes of caller data a probe carries. */
export const MAX_PROBE_DATA = 64;

/** The probe's preimage (its "unsigned transaction") and its one message. */
export function probeMessage(data: Uint8Array): { preimage: Hex; message: Hex } {
  if (!(data instanceof Uint8Array) || data.length > MAX_PROBE_DATA)
    throw new RangeError(`probe data expected at most ${MAX_PROBE_DATA} bytes`);
  const preimage = concatBytes(PROBE_TAG, data);
  return { preimage: bytesToHex(preimage), message: bytesToHex(sha256(preimage)) };
}

/**
 * The signer's decision on a probe request, or undefined when the request is not a probe (then
 * another policy decides). A probe names no withdrawal request and uses the key-path tweak.
 */
export function decideProbe(request: PolicyRequest): PolicyDecision | undefined {
  const tx = request.unsignedTransaction;
  const tag = bytesToHex(PROBE_TAG);
  if (!/^(?:[0-9a-f]{2})*$/.test(tx) || !tx.startsWith(tag)) return undefined;
  if (request.withdrawalRequestIds.length > 0)
    return { approve: false, reason: 'probe names withdrawal requests' };
  if (request.tweak.type !== 'taproot' || request.tweak.merkleRoot !== null)
    return { approve: false, reason: 'probe must use the key-path output key' };
  const data = hexToBytes(tx).subarray(PROBE_TAG.length);
  if (data.length > MAX_PROBE_DATA) return { approve: false, reason: 'probe data too long' };
  return { approve: true, messages: [probeMessage(data).message], tweak: request.tweak };
}
