/**
 * The two standard suites.
 * @module
 */
import { SECP256K1, SECP256K1_TR } from './ciphersuite.ts';
import { createFrost, createFrostTaproot, type Frost, type FrostTaproot } from './frost.ts';

/** RFC 9591 FROST(secp256k1, SHA-256): 65-byte signatures (R compressed ‖ z). */
export const secp256k1: Frost = createFrost(SECP256K1);
/**
 * ZF FROST(secp256k1, SHA-256)-TR: BIP340 signatures (64 bytes) valid under the x-only group
 * key; DKG output is TapTweaked with an empty merkle root, dealer output is not.
 */
export const taproot: FrostTaproot = createFrostTaproot(SECP256K1_TR);
