import {
  AddressHashMode,
  AuthType,
  addressFromVersionHash,
  addressHashModeToVersion,
  addressToString,
  type ClarityValue,
  createMessageSignature,
  createStacksPublicKey,
  createTransactionAuthField,
  deserializeTransaction,
  isSingleSig,
  type MultiSigSpendingCondition,
  makeContractCall,
  makeUnsignedContractCall,
  nextSignature,
  nextVerification,
  PayloadType,
  PostConditionMode,
  PubKeyEncoding,
  privateKeyToPublic,
  type StacksTransactionWire,
  sigHashPreSign,
} from '@stacks/transactions';
import { MultisigError } from './errors.ts';

/** The network a transaction is built for (chain id and address versions). */
export type NetworkName = 'mainnet' | 'testnet' | 'devnet';

/** Everything of a contract call except who authorises it. */
export type ContractCallTx = {
  contractAddress: string;
  contractName: string;
  functionName: string;
  functionArgs: ClarityValue[];
  nonce: bigint;
  /** Fee in micro-STX. */
  fee: bigint;
  network: NetworkName;
};

/** A serialized transaction and its id (hex, no `0x`). */
export type BuiltTransaction = { txHex: string; txid: string };

const PRIVATE_KEY = /^[0-9a-f]{64}(01)?$/;
const PUBLIC_KEY = /^0[23][0-9a-f]{64}$/;

// A private key is accepted as 32 bytes, or 33 with the 01 "compressed" suffix; we always sign
// with the compressed public key, the form the registry stores. Never echo the key in errors.
function compressedPrivateKey(privateKey: string): string {
  const k = privateKey.replace(/^0x/, '').toLowerCase();
  if (!PRIVATE_KEY.test(k))
    throw new TypeError('"privateKey" expected 32 bytes of hex, optionally with the 01 suffix');
  return k.length === 64 ? `${k}01` : k;
}

function compressedPublicKey(publicKey: string, field: string): string {
  const k = publicKey.replace(/^0x/, '').toLowerCase();
  if (!PUBLIC_KEY.test(k))
    throw new TypeError(`"${field}" expected a 33-byte compressed public key`);
  return k;
}

function built(tx: StacksTransactionWire): BuiltTransaction {
  return { txHex: tx.serialize(), txid: tx.txid() };
}

/** Builds and signs a single-sig contract call. */
export async function buildContractCall(
  call: ContractCallTx & { senderKey: string },
): Promise<BuiltTransaction> {
  const tx = await makeContractCall({
    contractAddress: call.contractAddress,
    contractName: call.contractName,
    functionName: call.functionName,
    functionArgs: call.functionArgs,
    senderKey: compressedPrivateKey(call.senderKey),
    nonce: call.nonce,
    fee: call.fee,
    network: call.network,
    postConditionMode: PostConditionMode.Allow,
  });
  return built(tx);
}

/**
 * Builds an unsigned m-of-n multisig contract call, order-independent (SIP-027): every signer
 * signs the same pre-sign hash, in any order, and the coordinator assembles the signatures.
 * The origin is the multisig address of `publicKeys` in this order, the one `rotate-keys`
 * derives from the same list.
 */
export async function buildUnsignedMultisigCall(
  call: ContractCallTx & { publicKeys: readonly string[]; threshold: number },
): Promise<BuiltTransaction & { presignSighash: string }> {
  const publicKeys = call.publicKeys.map((k, i) => compressedPublicKey(k, `publicKeys[${i}]`));
  if (publicKeys.length === 0 || publicKeys.length > 15) {
    throw new RangeError(`"publicKeys" expected 1..15 keys, got ${publicKeys.length}`);
  }
  if (
    !Number.isInteger(call.threshold) ||
    call.threshold < 1 ||
    call.threshold > publicKeys.length
  ) {
    throw new RangeError(`"threshold" expected 1..${publicKeys.length}, got ${call.threshold}`);
  }
  if (new Set(publicKeys).size !== publicKeys.length)
    throw new TypeError('"publicKeys" has a duplicate key');
  const tx = await makeUnsignedContractCall({
    contractAddress: call.contractAddress,
    contractName: call.contractName,
    functionName: call.functionName,
    functionArgs: call.functionArgs,
    publicKeys,
    numSignatures: call.threshold,
    useNonSequentialMultiSig: true,
    nonce: call.nonce,
    fee: call.fee,
    network: call.network,
    postConditionMode: PostConditionMode.Allow,
  });
  return { ...built(tx), presignSighash: presignSighash(tx) };
}

function multisigCondition(tx: StacksTransactionWire): MultiSigSpendingCondition {
  const condition = tx.auth.spendingCondition;
  if (tx.auth.authType !== AuthType.Standard || isSingleSig(condition)) {
    throw new MultisigError('not a standard multisig transaction');
  }
  if (condition.hashMode !== AddressHashMode.P2SHNonSequential) {
    throw new MultisigError(
      `hash mode ${condition.hashMode} is not order-independent P2SH multisig`,
    );
  }
  return condition;
}

/** The hash every signer of an order-independent multisig signs (SIP-027). */
function presignSighash(tx: StacksTransactionWire): string {
  const condition = tx.auth.spendingCondition;
  return sigHashPreSign(tx.signBegin(), AuthType.Standard, condition.fee, condition.nonce);
}

/** A signer's contribution to a multisig transaction. */
export type MultisigSignature = { publicKey: string; signature: string };

/** Signs an order-independent multisig transaction as one of its signers. */
export function signMultisigCall(txHex: string, privateKey: string): MultisigSignature {
  const tx = deserializeTransaction(txHex);
  const condition = multisigCondition(tx);
  const key = compressedPrivateKey(privateKey);
  const { nextSig } = nextSignature(
    tx.signBegin(),
    AuthType.Standard,
    condition.fee,
    condition.nonce,
    key,
  );
  return { publicKey: privateKeyToPublic(key) as string, signature: nextSig };
}

/**
 * Assembles signatures into the multisig transaction: one auth field per key of `publicKeys`
 * (the signer set, in the order the origin address hashes them), a signature where one was
 * given, the bare key otherwise. Each signature must recover to the key it claims; at least
 * `threshold` are required. The result is verified before it is returned.
 */
export function assembleMultisigCall(
  txHex: string,
  publicKeys: readonly string[],
  signatures: readonly MultisigSignature[],
): BuiltTransaction {
  const tx = deserializeTransaction(txHex);
  const condition = multisigCondition(tx);
  if (condition.fields.length !== 0)
    throw new MultisigError('transaction already carries auth fields');
  const keys = publicKeys.map((k, i) => compressedPublicKey(k, `publicKeys[${i}]`));
  const initial = tx.signBegin();
  const byKey = new Map<string, string>();
  for (const [i, s] of signatures.entries()) {
    const key = compressedPublicKey(s.publicKey, `signatures[${i}].publicKey`);
    if (!keys.includes(key))
      throw new MultisigError(`signature ${i} is from a key outside the signer set`);
    if (byKey.has(key)) throw new MultisigError(`signature ${i} repeats a key`);
    let recovered: string;
    try {
      recovered = nextVerification(
        initial,
        AuthType.Standard,
        condition.fee,
        condition.nonce,
        PubKeyEncoding.Compressed,
        s.signature,
      ).pubKey.data.reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '');
    } catch (cause) {
      throw new MultisigError(`signature ${i} is malformed`, { cause });
    }
    if (recovered !== key)
      throw new MultisigError(`signature ${i} does not verify for its public key`);
    byKey.set(key, s.signature);
  }
  if (byKey.size < condition.signaturesRequired) {
    throw new MultisigError(`${byKey.size} signatures, ${condition.signaturesRequired} required`);
  }
  for (const key of keys) {
    const signature = byKey.get(key);
    condition.fields.push(
      signature === undefined
        ? createTransactionAuthField(PubKeyEncoding.Compressed, createStacksPublicKey(key))
        : createTransactionAuthField(PubKeyEncoding.Compressed, createMessageSignature(signature)),
    );
  }
  try {
    tx.verifyOrigin();
  } catch (cause) {
    throw new MultisigError('assembled transaction does not verify (wrong key order or set?)', {
      cause,
    });
  }
  return built(tx);
}

/** What a contract-call transaction asks for, so a co-signer can check it before signing. */
export type ContractCallDescription = {
  origin: string;
  multisig: boolean;
  contractAddress: string;
  contractName: string;
  functionName: string;
  functionArgs: ClarityValue[];
  nonce: bigint;
  fee: bigint;
};

/** Decodes a serialized contract-call transaction. */
export function describeContractCall(txHex: string, network: NetworkName): ContractCallDescription {
  const tx = deserializeTransaction(txHex);
  if (tx.payload.payloadType !== PayloadType.ContractCall)
    throw new TypeError('not a contract-call transaction');
  const condition = tx.auth.spendingCondition;
  // the node's rule: P2PKH gives a single-sig address, every other hash mode a multisig one
  const version = addressHashModeToVersion(condition.hashMode, network);
  return {
    origin: addressToString(addressFromVersionHash(version, condition.signer)),
    multisig: !isSingleSig(condition),
    contractAddress: addressToString(tx.payload.contractAddress),
    contractName: tx.payload.contractName.content,
    functionName: tx.payload.functionName.content,
    functionArgs: tx.payload.functionArgs,
    nonce: BigInt(condition.nonce),
    fee: BigInt(condition.fee),
  };
}
