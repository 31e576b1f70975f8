/**
 * The Stacks signer principal as a set of keys: the registry's `rotate-keys` makes it the
 * m-of-n multisig of the signers' registered keys, in the order it was given (the order the
 * redeem script hashes them).
 * @module
 */
import type { NetworkName } from '@peg/stacks-client';
import {
  AddressHashMode,
  addressFromPublicKeys,
  addressHashModeToVersion,
  addressToString,
  createStacksPublicKey,
} from '@stacks/transactions';

/** The keys behind the signer principal and how many must sign. */
export type SignerSet = {
  /** Compressed secp256k1 keys (hex), in the registry's order (`get-current-signer-data`). */
  publicKeys: readonly string[];
  /** Signatures required (the registry's `signature-threshold`). */
  threshold: number;
};

const PUBLIC_KEY = /^0[23][0-9a-f]{64}$/;
/** stacks.js and the registry both stop at 15 keys (Bitcoin's 520-byte script limit). */
const MAX_KEYS = 15;

/** Checks a signer set at the boundary: 1..15 distinct compressed keys, 1 <= threshold <= n. */
export function checkSignerSet(signers: SignerSet, field = 'signers'): void {
  const keys = signers?.publicKeys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new RangeError(`"${field}.publicKeys" expected 1..${MAX_KEYS} keys`);
  }
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'string' || !PUBLIC_KEY.test(key)) {
      throw new TypeError(`"${field}.publicKeys[${i}]" expected a compressed key, lowercase hex`);
    }
  }
  if (new Set(keys).size !== keys.length)
    throw new TypeError(`"${field}.publicKeys" has a duplicate key`);
  const m = signers.threshold;
  if (!Number.isInteger(m) || m < 1 || m > keys.length) {
    throw new RangeError(`"${field}.threshold" expected 1..${keys.length}, got ${m}`);
  }
}

/** The multisig address of `signers` for `network` (the version byte is the network's). */
function multisigAddress(signers: SignerSet, network: NetworkName) {
  return addressFromPublicKeys(
    addressHashModeToVersion(AddressHashMode.P2SHNonSequential, network),
    AddressHashMode.P2SHNonSequential,
    signers.threshold,
    signers.publicKeys.map((key) => createStacksPublicKey(key)),
  );
}

/**
 * hash160 of the m-of-n redeem script (hex): what an order-independent multisig spending
 * condition carries as its signer, on every network (SIP-027 keeps P2SH's address; only the
 * signing order changes).
 */
export function signerSetHash(signers: SignerSet): string {
  checkSignerSet(signers);
  return multisigAddress(signers, 'mainnet').hash160;
}

/** The signer principal's address on `network` (`SN...` off mainnet), as `rotate-keys` sets it. */
export function signerPrincipal(signers: SignerSet, network: NetworkName): string {
  checkSignerSet(signers);
  return addressToString(multisigAddress(signers, network));
}
