import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import type { Simnet, Tx } from '@stacks/clarinet-sdk';
import { tx as simTx } from '@stacks/clarinet-sdk';
import {
  type AddressVersion,
  AuthType,
  addressFromVersionHash,
  addressHashModeToVersion,
  addressToString,
  type ClarityAbi,
  ClarityType,
  type ClarityValue,
  type ClarityVersion,
  type ContractCallPayload,
  cvToString,
  deserializeCV,
  deserializeTransaction,
  getTypeString,
  PayloadType,
  PostConditionMode,
  type StacksTransactionWire,
  serializeCV,
  validateContractCall,
} from '@stacks/transactions';
import { STX_FAUCET_ADDRESS, STX_FAUCET_GENESIS } from './faucet.ts';
import { quiet } from './quiet.ts';
import { TxRejected } from './rejection.ts';

/** Minimum fee: 1 micro-STX per byte of the serialized transaction (the node's default floor). */
export const MIN_FEE_PER_BYTE = 1n;
/** Where paid fees go: the boot address, so they leave the payer like on a real chain. */
export const FEE_SINK = 'ST000000000000000000002AMW42H';

export type TxStatus = 'pending' | 'success' | 'abort_by_response';

/** An event of a mined transaction, already in the Stacks API's shape. */
export type ApiEvent = { event_index: number; event_type: string; tx_id: string } & Record<
  string,
  unknown
>;

/** A contract `print`, indexed for `/extended/v1/contract/{id}/events`. */
export type ContractLog = {
  contractId: string;
  txid: string;
  eventIndex: number;
  blockHeight: number;
  topic: string;
  hex: string;
  repr: string;
};

type Payload =
  | {
      kind: 'contract_call';
      contractId: string;
      functionName: string;
      args: ClarityValue[];
      /** Argument names and type signatures from the ABI, for the API's `function_args`. */
      argNames: { name: string; type: string }[];
    }
  | { kind: 'token_transfer'; recipient: string; amount: bigint; memo: string }
  | { kind: 'smart_contract'; contractName: string; source: string; clarityVersion: number };

export type StacksTxRecord = {
  txid: string;
  hex: string;
  sender: string;
  nonce: bigint;
  fee: bigint;
  postConditionMode: 'allow' | 'deny';
  payload: Payload;
  status: TxStatus;
  receiptTime: number;
  result?: { hex: string; repr: string };
  events: ApiEvent[];
  block?: StacksBlock;
  txIndex?: number;
};

export type StacksBlock = {
  height: number;
  hash: string;
  burnBlockHeight: number;
  burnBlockHash: string;
  burnBlockTime: number;
  txids: string[];
};

export type BurnView = { height: number; hash: string; time: number };

/** A principal's STX movements, as the Stacks API totals them: balance = received - sent - fees. */
export type StxTotals = { sent: bigint; received: bigint; fees: bigint };

// Devnet transactions are testnet ones: version byte 0x80, chain id 0x80000000.
const TESTNET_VERSION = 0x80;
const TESTNET_CHAIN_ID = 0x80000000;

/** The devnet's synthetic Stacks block hash at `height` (the simnet exposes none). */
export function stacksBlockHash(height: number): string {
  return hex.encode(sha256(new TextEncoder().encode(`peg-devnet stacks block ${height}`)));
}

const strip0x = (s: string) => (s.startsWith('0x') ? s.slice(2) : s);

function senderOf(tx: StacksTransactionWire): string {
  const condition = tx.auth.spendingCondition;
  // Single-sig P2PKH -> ST..., multisig and P2SH-P2WPKH -> SN... (testnet versions).
  const version = addressHashModeToVersion(condition.hashMode, 'testnet') as AddressVersion;
  return addressToString(addressFromVersionHash(version, condition.signer));
}

/**
 * The Stacks side of the devnet: a mempool and blocks over the Clarinet SDK simnet. Transactions
 * are decoded, their origin signatures (single-sig and multisig) verified with @stacks/transactions,
 * nonces and fees checked, and only then replayed in the simnet as their sender.
 */
export class StacksChain {
  readonly simnet: Simnet;
  readonly blocks: StacksBlock[] = [];
  readonly logs: ContractLog[] = [];
  private readonly txs = new Map<string, StacksTxRecord>();
  private readonly mempool: StacksTxRecord[] = [];
  private readonly nonces = new Map<string, bigint>();
  private readonly totals = new Map<string, StxTotals>();
  /** Fungible token movements per principal, keyed like {@link tokenBalances}. */
  private readonly ftTotals = new Map<string, Map<string, { sent: bigint; received: bigint }>>();
  private readonly now: () => number;

  constructor(simnet: Simnet, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.simnet = simnet;
    this.now = now;
    // Genesis allocations count as received, as the API counts the genesis block's mints.
    for (const [principal, amount] of quiet(() => simnet.getAssetsMap()).get('STX') ?? [])
      this.totalsOf(principal).received += amount;
    this.mintStx(STX_FAUCET_ADDRESS, STX_FAUCET_GENESIS);
  }

  private totalsOf(principal: string): StxTotals {
    let t = this.totals.get(principal);
    if (!t) {
      t = { sent: 0n, received: 0n, fees: 0n };
      this.totals.set(principal, t);
    }
    return t;
  }

  /** Confirmed STX sent (transfers and burns, fees apart), received (transfers, mints) and fees paid. */
  stxTotals(principal: string): StxTotals {
    return { ...(this.totals.get(principal) ?? { sent: 0n, received: 0n, fees: 0n }) };
  }

  /**
   * The Clarity version a plain (unversioned) deploy gets, and the newest one this chain can
   * run: the default of the simnet's epoch, as a node picks `ClarityVersion::default_for_epoch`.
   */
  latestClarityVersion(): number {
    const name = quiet(() => this.simnet.getDefaultClarityVersionForCurrentEpoch());
    const version = Number(/^Clarity (\d+)$/.exec(name)?.[1]);
    if (!Number.isInteger(version)) throw new Error(`unknown simnet Clarity version ${name}`);
    return version;
  }

  /** The epoch the simnet runs, e.g. `3.1`. */
  epoch(): string {
    return this.simnet.currentEpoch;
  }

  /** The next nonce the chain expects from `principal` once its mempool transactions are mined. */
  possibleNextNonce(principal: string): bigint {
    const pending = this.mempool.filter((t) => t.sender === principal).length;
    return this.confirmedNonce(principal) + BigInt(pending);
  }

  confirmedNonce(principal: string): bigint {
    return this.nonces.get(principal) ?? 0n;
  }

  lastMempoolNonce(principal: string): bigint | undefined {
    const mine = this.mempool.filter((t) => t.sender === principal);
    return mine[mine.length - 1]?.nonce;
  }

  stxBalance(principal: string): bigint {
    return (
      quiet(() => this.simnet.getAssetsMap())
        .get('STX')
        ?.get(principal) ?? 0n
    );
  }

  /** Fungible token balances of `principal`, keyed `<contract>::<token>` like the API. */
  tokenBalances(principal: string): Record<string, bigint> {
    const out: Record<string, bigint> = {};
    for (const [asset, holders] of quiet(() => this.simnet.getAssetsMap())) {
      if (asset === 'STX') continue;
      const balance = holders.get(principal);
      if (balance !== undefined) out[this.assetId(asset)] = balance;
    }
    return out;
  }

  /** The simnet names tokens `.contract.token` (deployer's) or `addr.contract.token`; the API `addr.contract::token`. */
  private assetId(asset: string): string {
    const cut = asset.lastIndexOf('.');
    const contract = asset.slice(0, cut);
    const owner = contract.startsWith('.') ? `${this.simnet.deployer}${contract}` : contract;
    return `${owner}::${asset.slice(cut + 1)}`;
  }

  transaction(txid: string): StacksTxRecord | undefined {
    return this.txs.get(strip0x(txid).toLowerCase());
  }

  pending(): readonly StacksTxRecord[] {
    return this.mempool;
  }

  /** Mined transactions, newest first (the API's list order). */
  mined(): StacksTxRecord[] {
    const out: StacksTxRecord[] = [];
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const txids = this.blocks[b]!.txids;
      for (let i = txids.length - 1; i >= 0; i--) out.push(this.txs.get(txids[i]!)!);
    }
    return out;
  }

  /** The mined transaction that deployed `contractId`, if one did (not the genesis plan's). */
  deployment(contractId: string): StacksTxRecord | undefined {
    return this.mined().find(
      (r) =>
        r.status === 'success' &&
        r.payload.kind === 'smart_contract' &&
        `${r.sender}.${r.payload.contractName}` === contractId,
    );
  }

  contractInterface(contractId: string): Record<string, unknown> | undefined {
    const iface = quiet(() => this.simnet.getContractsInterfaces()).get(contractId);
    return iface as unknown as Record<string, unknown> | undefined;
  }

  contractSource(contractId: string): string | undefined {
    return quiet(() => this.simnet.getContractSource(contractId));
  }

  /**
   * Admission: decode, verify, check, queue. Throws {@link TxRejected} (nothing changes) when the
   * node would refuse the transaction.
   */
  broadcast(rawHex: string): StacksTxRecord {
    let tx: StacksTransactionWire;
    try {
      tx = deserializeTransaction(strip0x(rawHex));
    } catch (err) {
      throw new TxRejected('Deserialization', '', {
        message: err instanceof Error ? err.message : 'bad transaction',
      });
    }
    const txid = tx.txid();
    if (this.txs.has(txid))
      throw new TxRejected('ConflictingNonceInMempool', txid, {
        message: 'transaction already known',
      });
    if (tx.transactionVersion !== TESTNET_VERSION || tx.chainId !== TESTNET_CHAIN_ID) {
      throw new TxRejected('BadTransactionVersion', txid, {
        message: `devnet expects the testnet version and chain id ${TESTNET_CHAIN_ID}`,
      });
    }
    if (tx.auth.authType !== AuthType.Standard) {
      throw new TxRejected('NotSupported', txid, {
        message: 'devnet: sponsored transactions are not supported',
      });
    }
    try {
      tx.verifyOrigin();
    } catch (err) {
      throw new TxRejected('SignatureValidation', txid, {
        message: err instanceof Error ? err.message : 'bad signature',
      });
    }
    const sender = senderOf(tx);
    const condition = tx.auth.spendingCondition;
    const nonce = BigInt(condition.nonce);
    const expected = this.possibleNextNonce(sender);
    if (nonce !== expected) {
      const inMempool = nonce < expected && nonce >= this.confirmedNonce(sender);
      throw new TxRejected(inMempool ? 'ConflictingNonceInMempool' : 'BadNonce', txid, {
        expected: Number(expected),
        actual: Number(nonce),
        principal: sender,
        is_origin: true,
      });
    }
    const fee = BigInt(condition.fee);
    const bytes = BigInt(strip0x(rawHex).length / 2);
    if (fee < bytes * MIN_FEE_PER_BYTE) {
      throw new TxRejected('FeeTooLow', txid, {
        expected: Number(bytes * MIN_FEE_PER_BYTE),
        actual: Number(fee),
      });
    }
    const payload = this.admitPayload(tx, txid);
    const spend =
      fee + (payload.kind === 'token_transfer' ? payload.amount : 0n) + this.pendingSpend(sender);
    const balance = this.stxBalance(sender);
    if (balance < spend) {
      throw new TxRejected('NotEnoughFunds', txid, {
        expected: `0x${spend.toString(16)}`,
        actual: `0x${balance.toString(16)}`,
      });
    }
    const record: StacksTxRecord = {
      txid,
      hex: strip0x(rawHex).toLowerCase(),
      sender,
      nonce,
      fee,
      postConditionMode: tx.postConditionMode === PostConditionMode.Allow ? 'allow' : 'deny',
      payload,
      status: 'pending',
      receiptTime: this.now(),
      events: [],
    };
    this.txs.set(txid, record);
    this.mempool.push(record);
    return record;
  }

  private pendingSpend(sender: string): bigint {
    return this.mempool
      .filter((t) => t.sender === sender)
      .reduce(
        (sum, t) => sum + t.fee + (t.payload.kind === 'token_transfer' ? t.payload.amount : 0n),
        0n,
      );
  }

  private admitPayload(tx: StacksTransactionWire, txid: string): Payload {
    const p = tx.payload;
    switch (p.payloadType) {
      case PayloadType.ContractCall:
        return this.admitCall(p as ContractCallPayload, txid);
      case PayloadType.TokenTransfer: {
        const recipient = (p.recipient as { value: string }).value;
        const amount = BigInt(p.amount);
        if (amount <= 0n) throw new TxRejected('TransferAmountMustBePositive', txid);
        if (recipient === senderOf(tx)) throw new TxRejected('TransferRecipientIsSender', txid);
        return { kind: 'token_transfer', recipient, amount, memo: p.memo.content };
      }
      case PayloadType.SmartContract:
      case PayloadType.VersionedSmartContract: {
        const name = p.contractName.content;
        const source = p.codeBody.content;
        const id = `${senderOf(tx)}.${name}`;
        const latest = this.latestClarityVersion();
        const clarityVersion =
          p.payloadType === PayloadType.VersionedSmartContract ? Number(p.clarityVersion) : latest;
        if (!(clarityVersion >= 1 && clarityVersion <= latest)) {
          // Refused here, before the nonce and fee are spent on a deploy that cannot run.
          throw new TxRejected('NotSupported', txid, {
            message: `Clarity ${clarityVersion} cannot run in epoch ${this.epoch()}: this devnet runs Clarity 1 to ${latest}`,
            clarity_version: clarityVersion,
            epoch: this.epoch(),
          });
        }
        if (this.contractInterface(id))
          throw new TxRejected('ContractAlreadyExists', txid, { contract_identifier: id });
        return { kind: 'smart_contract', contractName: name, source, clarityVersion };
      }
      default:
        throw new TxRejected('NotSupported', txid, {
          message: `devnet: payload type ${p.payloadType} is not supported`,
        });
    }
  }

  private admitCall(p: ContractCallPayload, txid: string): Payload {
    const contractId = `${addressToString(p.contractAddress)}.${p.contractName.content}`;
    const functionName = p.functionName.content;
    const abi = this.contractInterface(contractId) as ClarityAbi | undefined;
    if (!abi)
      throw new TxRejected('NoSuchContract', txid, { message: `no such contract ${contractId}` });
    const fn = abi.functions.find((f) => f.name === functionName && f.access === 'public');
    if (!fn) {
      throw new TxRejected('NoSuchPublicFunction', txid, {
        message: `${contractId}::${functionName}`,
      });
    }
    try {
      validateContractCall(p, abi);
    } catch (err) {
      throw new TxRejected('BadFunctionArgument', txid, {
        message: err instanceof Error ? err.message : 'bad argument',
      });
    }
    const argNames = fn.args.map((a) => ({ name: a.name, type: getTypeString(a.type) }));
    return { kind: 'contract_call', contractId, functionName, args: p.functionArgs, argNames };
  }

  /**
   * Mines the mempool, one Stacks block per transaction (as Nakamoto produces many blocks per
   * tenure): the fee moves to {@link FEE_SINK}, then the payload runs in the simnet as the sender.
   */
  mineMempool(burn: BurnView): StacksBlock[] {
    const batch = this.mempool.splice(0, this.mempool.length);
    return batch.map((record) => this.mineRecord(record, burn));
  }

  /** Mines one mempool transaction now, in its own Stacks block of the current tenure. */
  mineNow(txid: string, burn: BurnView): StacksBlock {
    const at = this.mempool.findIndex((t) => t.txid === txid);
    if (at < 0) throw new Error(`transaction ${txid} is not in the mempool`);
    const [record] = this.mempool.splice(at, 1);
    return this.mineRecord(record!, burn);
  }

  private mineRecord(record: StacksTxRecord, burn: BurnView): StacksBlock {
    const txs: Tx[] = [];
    const feeTx = record.fee > 0n;
    if (feeTx) txs.push(simTx.transferSTX(Number(record.fee), FEE_SINK, record.sender));
    txs.push(this.simnetTx(record));
    let result: ClarityValue | undefined;
    let rawEvents: { event: string; data: Record<string, unknown> }[] = [];
    try {
      const results = quiet(() => this.simnet.mineBlock(txs));
      const last = results[results.length - 1]!;
      result = last.result;
      // The fee transfer is not an event of the transaction (the API reports it as `fee_rate`).
      rawEvents = last.events as typeof rawEvents;
    } catch (err) {
      // Admission checks keep this rare; record the failure instead of losing the transaction.
      record.result = {
        hex: '',
        repr: `runtime error: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    this.nonces.set(record.sender, record.nonce + 1n);
    this.totalsOf(record.sender).fees += record.fee;
    this.totalsOf(FEE_SINK).received += record.fee;
    const height = this.simnet.blockHeight;
    const block: StacksBlock = {
      height,
      hash: stacksBlockHash(height),
      burnBlockHeight: burn.height,
      burnBlockHash: burn.hash,
      burnBlockTime: burn.time,
      txids: [record.txid],
    };
    this.blocks.push(block);
    record.block = block;
    record.txIndex = 0;
    if (result) {
      record.result = { hex: `0x${serializeCV(result)}`, repr: cvToString(result) };
      record.status = result.type === ClarityType.ResponseErr ? 'abort_by_response' : 'success';
    } else {
      record.status = 'abort_by_response';
    }
    // A failed transaction's state changes and events are rolled back; the fee stays paid.
    const events = record.status === 'success' ? rawEvents : [];
    record.events = events.map((e, i) => this.apiEvent(e, i, record.txid, height));
    for (const e of record.events) this.countStx(e);
    return block;
  }

  /** Adds an `stx_asset` or `fungible_token_asset` event to its sender's and recipient's totals. */
  private countStx(e: ApiEvent): void {
    const asset = e.asset as {
      sender: string;
      recipient: string;
      amount: string;
      asset_id?: string;
    };
    if (e.event_type === 'stx_asset') {
      const amount = BigInt(asset.amount);
      if (asset.sender) this.totalsOf(asset.sender).sent += amount;
      if (asset.recipient) this.totalsOf(asset.recipient).received += amount;
    } else if (e.event_type === 'fungible_token_asset' && asset.asset_id) {
      const amount = BigInt(asset.amount);
      if (asset.sender) this.ftTotalsOf(asset.sender, asset.asset_id).sent += amount;
      if (asset.recipient) this.ftTotalsOf(asset.recipient, asset.asset_id).received += amount;
    }
  }

  private ftTotalsOf(principal: string, assetId: string): { sent: bigint; received: bigint } {
    let mine = this.ftTotals.get(principal);
    if (!mine) {
      mine = new Map();
      this.ftTotals.set(principal, mine);
    }
    let t = mine.get(assetId);
    if (!t) {
      t = { sent: 0n, received: 0n };
      mine.set(assetId, t);
    }
    return t;
  }

  /** Confirmed fungible token sent and received by `principal`, per asset id. */
  tokenTotals(principal: string): Record<string, { sent: bigint; received: bigint }> {
    return Object.fromEntries(
      [...(this.ftTotals.get(principal) ?? [])].map(([id, t]) => [id, { ...t }]),
    );
  }

  private simnetTx(record: StacksTxRecord): Tx {
    const p = record.payload;
    switch (p.kind) {
      case 'contract_call':
        return simTx.callPublicFn(p.contractId, p.functionName, p.args, record.sender);
      case 'token_transfer':
        return simTx.transferSTX(Number(p.amount), p.recipient, record.sender);
      case 'smart_contract':
        return simTx.deployContract(
          p.contractName,
          p.source,
          { clarityVersion: p.clarityVersion as ClarityVersion },
          record.sender,
        );
    }
  }

  private apiEvent(
    e: { event: string; data: Record<string, unknown> },
    index: number,
    txid: string,
    height: number,
  ): ApiEvent {
    const base = { event_index: index, tx_id: `0x${txid}` };
    const d = e.data;
    switch (e.event) {
      case 'print_event': {
        const value = d.value as ClarityValue;
        const raw = typeof d.raw_value === 'string' ? d.raw_value : `0x${serializeCV(value)}`;
        const log: ContractLog = {
          contractId: String(d.contract_identifier),
          txid,
          eventIndex: index,
          blockHeight: height,
          topic: String(d.topic ?? 'print'),
          hex: raw,
          repr: cvToString(value),
        };
        this.logs.push(log);
        return {
          ...base,
          event_type: 'smart_contract_log',
          contract_log: {
            contract_id: log.contractId,
            topic: log.topic,
            value: { hex: log.hex, repr: log.repr },
          },
        };
      }
      case 'stx_transfer_event':
      case 'stx_mint_event':
      case 'stx_burn_event':
        return {
          ...base,
          event_type: 'stx_asset',
          asset: {
            asset_event_type: e.event.split('_')[1],
            sender: d.sender ?? '',
            recipient: d.recipient ?? '',
            amount: String(d.amount),
          },
        };
      case 'ft_transfer_event':
      case 'ft_mint_event':
      case 'ft_burn_event':
        return {
          ...base,
          event_type: 'fungible_token_asset',
          asset: {
            asset_event_type: e.event.split('_')[1],
            asset_id: d.asset_identifier,
            sender: d.sender ?? '',
            recipient: d.recipient ?? '',
            amount: String(d.amount),
          },
        };
      default:
        return {
          ...base,
          event_type: e.event,
          data: JSON.parse(
            JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
          ),
        };
    }
  }

  /** A read-only call, like `/v2/contracts/call-read`: arguments and result are serialized CVs. */
  callReadOnly(
    contractId: string,
    functionName: string,
    argsHex: string[],
    sender: string,
  ): { okay: true; result: string } | { okay: false; cause: string } {
    try {
      const args = argsHex.map((a) => deserializeCV(strip0x(a)));
      const res = quiet(() => this.simnet.callReadOnlyFn(contractId, functionName, args, sender));
      return { okay: true, result: `0x${serializeCV(res.result)}` };
    } catch (err) {
      return { okay: false, cause: err instanceof Error ? err.message : String(err) };
    }
  }

  /** `/v2/map_entry`: the serialized `(optional value)` at `keyHex`. */
  mapEntry(contractId: string, map: string, keyHex: string): string {
    const value = quiet(() =>
      this.simnet.getMapEntry(contractId, map, deserializeCV(strip0x(keyHex))),
    );
    return `0x${serializeCV(value)}`;
  }

  dataVar(contractId: string, name: string): string {
    return `0x${serializeCV(quiet(() => this.simnet.getDataVar(contractId, name)))}`;
  }

  /**
   * Mints STX to `principal` directly in the simnet (no transaction): the faucet account's
   * genesis grant, and the replay of journals written before the faucet sent transactions.
   */
  mintStx(principal: string, amount: bigint): void {
    quiet(() => this.simnet.mintSTX(principal, amount));
    this.totalsOf(principal).received += amount;
  }
}
