// A 4-of-5 signer set with deterministic test keys, and the valid unsigned `rotate-keys` they
// co-sign, for the pure co-signing tests.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  buildUnsignedMultisigCall,
  type ContractCallSpec,
  DEFAULT_CONTRACT_NAMES,
  type NetworkName,
  rotateKeysCall,
} from '@peg/stacks-client';
import { privateKeyToPublic } from '@stacks/transactions';
import type { CosignExpectation } from '../src/stacks-cosign/expectation.ts';

/** The published Clarinet devnet deployer's address (holds the contracts). */
export const DEPLOYER = 'ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM';
export const CONTRACTS = { address: DEPLOYER, ...DEFAULT_CONTRACT_NAMES };

/** A deterministic secp256k1 secret key from a label (tests only). */
export const secretOf = (label: string): Uint8Array => sha256(utf8ToBytes(label));
/** Its compressed public key, hex. */
export const publicOf = (secret: Uint8Array): string =>
  privateKeyToPublic(`${bytesToHex(secret)}01`) as string;

export const SECRETS = [1, 2, 3, 4, 5].map((i) => secretOf(`cosign-sample-signer-${i}`));
export const KEYS = SECRETS.map(publicOf);
export const THRESHOLD = 4;
export const SIGNERS = { publicKeys: KEYS, threshold: THRESHOLD };
export const AGGREGATE = publicOf(secretOf('cosign-sample-aggregate'));
export const NONCE = 1n;
export const FEE = 10_000n;
export const MAX_FEE = 20_000n;

/** The rotation the signers expect: the set itself, a new aggregate key, threshold 4. */
export const SPEC: ContractCallSpec = rotateKeysCall({
  keys: KEYS,
  aggregatePubkey: AGGREGATE,
  threshold: THRESHOLD,
});

export const EXPECTED: CosignExpectation = {
  spec: SPEC,
  contracts: CONTRACTS,
  nonce: NONCE,
  maxFee: MAX_FEE,
  signers: SIGNERS,
};

/** Options of `buildUnsignedMultisigCall`, valid by default; override one field to tamper. */
export type BuildOptions = {
  contractAddress: string;
  contractName: string;
  spec: ContractCallSpec;
  nonce: bigint;
  fee: bigint;
  network: NetworkName;
  publicKeys: readonly string[];
  threshold: number;
};

/** The unsigned multisig call as the coordinator builds it, with `change` applied. */
export async function build(change: Partial<BuildOptions> = {}): Promise<string> {
  const o: BuildOptions = {
    contractAddress: DEPLOYER,
    contractName: CONTRACTS.registry,
    spec: SPEC,
    nonce: NONCE,
    fee: FEE,
    network: 'devnet',
    publicKeys: KEYS,
    threshold: THRESHOLD,
    ...change,
  };
  const built = await buildUnsignedMultisigCall({
    contractAddress: o.contractAddress,
    contractName: o.contractName,
    functionName: o.spec.functionName,
    functionArgs: o.spec.functionArgs,
    nonce: o.nonce,
    fee: o.fee,
    network: o.network,
    publicKeys: o.publicKeys,
    threshold: o.threshold,
  });
  return built.txHex;
}
