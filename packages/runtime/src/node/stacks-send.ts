/**
 * Sends one contract call from a single-sig account and waits until it is mined: the operator's
 * own calls (`register-signer-key`) and, on devnet before the first rotation, the deployer's
 * `rotate-keys`. The nonce is the node's next one for the account; a call that aborts on chain
 * is an error carrying the contract's answer.
 */

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ContractCallSpec, StacksClient, TransactionInfo } from '@peg/stacks-client';
import { stacksAddressOf } from '@peg/stacks-client';

/** The fee of our contract calls, micro-STX (devnet and test networks accept any). */
export const DEFAULT_CALL_FEE = 3_000n;

export class ContractCallFailed extends Error {
  readonly txid: string;
  readonly info: TransactionInfo;
  constructor(functionName: string, info: TransactionInfo) {
    super(`${functionName} ${info.txid}: ${info.status} ${info.result?.repr ?? ''}`.trim());
    this.name = 'ContractCallFailed';
    this.txid = info.txid;
    this.info = info;
  }
}

export async function sendContractCall(
  stacks: StacksClient,
  spec: ContractCallSpec,
  opts: {
    senderKey: Uint8Array;
    network: 'mainnet' | 'testnet' | 'devnet';
    fee?: bigint;
    timeoutMs?: number;
    pollMs?: number;
  },
): Promise<TransactionInfo> {
  const publicKey = bytesToHex(secp256k1.getPublicKey(opts.senderKey, true));
  const address = stacksAddressOf(publicKey, opts.network);
  const { nonce, balance } = await stacks.getAccount(address);
  const fee = opts.fee ?? DEFAULT_CALL_FEE;
  if (balance < fee)
    throw new Error(
      `account ${address} holds ${balance} µSTX, less than the ${fee} µSTX fee of ${spec.functionName}`,
    );
  const senderKey = bytesToHex(opts.senderKey);
  const tx = await stacks.buildCall(spec, { senderKey, nonce, fee });
  await stacks.broadcast(tx);
  const info = await stacks.waitForTransaction(tx.txid, {
    timeoutMs: opts.timeoutMs ?? 120_000,
    pollMs: opts.pollMs ?? 500,
  });
  if (info.status !== 'success') throw new ContractCallFailed(spec.functionName, info);
  return info;
}
