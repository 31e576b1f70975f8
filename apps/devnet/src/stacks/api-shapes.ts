import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { cvToString, serializeCV } from '@stacks/transactions';
import { type BurnView, type StacksBlock, type StacksTxRecord, stacksBlockHash } from './chain.ts';

/** The Stacks API's shapes for the devnet's records: transactions, blocks, burn blocks. */

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const ZERO_HASH = `0x${'00'.repeat(32)}`;

/** The devnet's synthetic index block hash at `height` (a node hashes block hash + consensus hash). */
export function indexBlockHash(height: number): string {
  return hex.encode(sha256(new TextEncoder().encode(`peg-devnet stacks index block ${height}`)));
}

const parentHash = (height: number) =>
  height > 0 ? `0x${stacksBlockHash(height - 1)}` : ZERO_HASH;

/** The simnet runs no cost tracking the API could report per block or transaction. */
const NO_EXECUTION_COST = {
  execution_cost_read_count: 0,
  execution_cost_read_length: 0,
  execution_cost_runtime: 0,
  execution_cost_write_count: 0,
  execution_cost_write_length: 0,
};

function payloadFields(record: StacksTxRecord): Record<string, unknown> {
  const p = record.payload;
  switch (p.kind) {
    case 'contract_call':
      return {
        contract_call: {
          contract_id: p.contractId,
          function_name: p.functionName,
          function_signature: '',
          function_args: p.args.map((arg, i) => ({
            hex: `0x${serializeCV(arg)}`,
            repr: cvToString(arg),
            name: p.argNames[i]?.name ?? '',
            type: p.argNames[i]?.type ?? '',
          })),
        },
      };
    case 'token_transfer':
      return {
        token_transfer: {
          recipient_address: p.recipient,
          amount: p.amount.toString(),
          memo: `0x${Buffer.from(p.memo).toString('hex')}`,
        },
      };
    case 'smart_contract':
      return {
        smart_contract: {
          clarity_version: p.clarityVersion,
          contract_id: `${record.sender}.${p.contractName}`,
          source_code: p.source,
        },
      };
  }
}

/** A transaction in the Stacks API's `/extended/v1/tx/{id}` shape (mempool or mined). */
export function apiTx(record: StacksTxRecord): Record<string, unknown> {
  const common = {
    tx_id: `0x${record.txid}`,
    nonce: Number(record.nonce),
    fee_rate: record.fee.toString(),
    sender_address: record.sender,
    sponsored: false,
    post_condition_mode: record.postConditionMode,
    post_conditions: [],
    anchor_mode: 'any',
    tx_status: record.status,
    receipt_time: record.receiptTime,
    receipt_time_iso: iso(record.receiptTime),
    tx_type: record.payload.kind,
    ...payloadFields(record),
  };
  const block = record.block;
  if (!block) return common;
  return {
    ...common,
    block_hash: `0x${block.hash}`,
    block_height: block.height,
    block_time: block.burnBlockTime,
    block_time_iso: iso(block.burnBlockTime),
    index_block_hash: `0x${indexBlockHash(block.height)}`,
    parent_block_hash: parentHash(block.height),
    burn_block_height: block.burnBlockHeight,
    burn_block_hash: `0x${block.burnBlockHash}`,
    burn_block_time: block.burnBlockTime,
    burn_block_time_iso: iso(block.burnBlockTime),
    parent_burn_block_time: block.burnBlockTime,
    parent_burn_block_time_iso: iso(block.burnBlockTime),
    canonical: true,
    microblock_hash: '0x',
    microblock_sequence: 2147483647,
    microblock_canonical: true,
    is_unanchored: false,
    tx_index: record.txIndex ?? 0,
    tx_result: record.result ?? { hex: '', repr: '' },
    vm_error: record.status === 'success' ? null : (record.result?.repr ?? null),
    ...NO_EXECUTION_COST,
    event_count: record.events.length,
    events: record.events,
  };
}

/** A Stacks block in the `/extended/v2/blocks` shape. */
export function apiBlock(block: StacksBlock): Record<string, unknown> {
  return {
    canonical: true,
    height: block.height,
    hash: `0x${block.hash}`,
    block_time: block.burnBlockTime,
    block_time_iso: iso(block.burnBlockTime),
    tenure_height: block.burnBlockHeight,
    index_block_hash: `0x${indexBlockHash(block.height)}`,
    parent_block_hash: parentHash(block.height),
    parent_index_block_hash: block.height > 0 ? `0x${indexBlockHash(block.height - 1)}` : ZERO_HASH,
    burn_block_time: block.burnBlockTime,
    burn_block_time_iso: iso(block.burnBlockTime),
    burn_block_hash: `0x${block.burnBlockHash}`,
    burn_block_height: block.burnBlockHeight,
    miner_txid: ZERO_HASH,
    tx_count: block.txids.length,
    ...NO_EXECUTION_COST,
  };
}

/** A burn block in the `/extended/v2/burn-blocks` shape, with the Stacks blocks of its tenure. */
export function apiBurnBlock(
  burn: BurnView,
  stacksBlocks: readonly StacksBlock[],
): Record<string, unknown> {
  return {
    burn_block_time: burn.time,
    burn_block_time_iso: iso(burn.time),
    burn_block_hash: `0x${burn.hash}`,
    burn_block_height: burn.height,
    stacks_blocks: stacksBlocks.map((b) => `0x${b.hash}`),
    // Every Stacks block of a devnet tenure carries its burn block's time.
    avg_block_time: 0,
    total_tx_count: stacksBlocks.reduce((n, b) => n + b.txids.length, 0),
  };
}
