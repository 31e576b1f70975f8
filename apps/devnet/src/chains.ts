import { hex } from '@scure/base';
import type { Simnet } from '@stacks/clarinet-sdk';
import { type BufferCV, ClarityType, type OptionalCV } from '@stacks/transactions';
import type { Block } from './bitcoin/block.ts';
import { type Acceptance, Ledger } from './bitcoin/ledger.ts';
import type { BitcoinNode } from './bitcoin/methods.ts';
import type { JournalOp } from './journal.ts';
import { type BurnView, StacksChain, type StacksTxRecord } from './stacks/chain.ts';
import { faucetTransfer, STX_FAUCET_ADDRESS } from './stacks/faucet.ts';
import type { StacksNode } from './stacks/node.ts';
import { quiet } from './stacks/quiet.ts';

export type ChainsOptions = {
  /** Fee rate `estimatesmartfee` answers, sat/vB. */
  feeRate: number;
  now?: () => number;
  /** Called with every state-changing operation (the data folder's journal). */
  record?: (op: JournalOp) => void;
  /** Called after each block, for logs. */
  onBlock?: (bitcoin: Block, stacks: number) => void;
};

/**
 * Both chains in lockstep. Each tick mines one Bitcoin block and the simnet burn block of the
 * same height (whose header hash the ledger adopts as its block hash, so Clarity's
 * `get-burn-block-info?` names this ledger's blocks), then mines the Stacks mempool on top.
 */
export class Chains implements BitcoinNode, StacksNode {
  readonly ledger: Ledger;
  readonly chain: StacksChain;
  readonly feeRate: number;
  private readonly simnet: Simnet;
  private readonly now: () => number;
  private record: (op: JournalOp) => void;
  private readonly onBlock: ChainsOptions['onBlock'];
  /**
   * Why the chains refuse every further change, once a change was applied in memory but could
   * not be journaled (or a tick advanced one chain and not the other): the memory is then ahead
   * of the journal, so nothing more may be acknowledged; a restart replays the journal, which
   * holds exactly what was acknowledged.
   */
  halted: string | null = null;

  constructor(simnet: Simnet, options: ChainsOptions) {
    this.simnet = simnet;
    this.feeRate = options.feeRate;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.record = options.record ?? (() => undefined);
    this.onBlock = options.onBlock;
    this.chain = new StacksChain(simnet, this.now);
    this.ledger = new Ledger({ now: this.now, blockHash: (height) => this.burnHeaderHash(height) });
    this.ledger.genesis(simnet.burnBlockHeight);
  }

  /** The simnet's burn header hash at `height` (hex, as Clarity returns it). */
  burnHeaderHash(height: number): string {
    const res = quiet(() => this.simnet.execute(`(get-burn-block-info? header-hash u${height})`));
    const value = res.result as OptionalCV<BufferCV>;
    if (value.type !== ClarityType.OptionalSome)
      throw new Error(`simnet has no burn block at height ${height}`);
    return value.value.value;
  }

  /** Replays journaled operations without journaling them again. */
  replay(ops: readonly JournalOp[]): void {
    const record = this.record;
    this.record = () => undefined;
    try {
      for (const [i, op] of ops.entries()) {
        try {
          this.apply(op);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new Error(`journal replay failed at operation ${i + 1} (${op.op}): ${why}`);
        }
      }
    } finally {
      this.record = record;
    }
  }

  private apply(op: JournalOp): void {
    switch (op.op) {
      case 'stx':
        this.broadcast(op.hex);
        break;
      case 'btc':
        this.sendRawTransaction(op.hex);
        break;
      case 'mine':
        this.tick(hex.decode(op.script), op.time);
        break;
      case 'faucet-stx':
        this.mineFaucetTransfer(op.hex);
        break;
      case 'mint-stx':
        // Journals written before the faucet sent transactions.
        this.chain.mintStx(op.principal, BigInt(op.amount));
        break;
    }
  }

  /** Sends every later state-changing operation to `record` (the data folder's journal). */
  journalTo(record: (op: JournalOp) => void): void {
    this.record = record;
  }

  burnTip(): BurnView {
    const tip = this.ledger.tip;
    return { height: tip.height, hash: tip.hash, time: tip.time };
  }

  burnBlock(heightOrHash: string): BurnView | undefined {
    const id = heightOrHash.replace(/^0x/, '').toLowerCase();
    const block = /^\d+$/.test(id) ? this.ledger.blocks[Number(id)] : this.ledger.blockByHash(id);
    return block && { height: block.height, hash: block.hash, time: block.time };
  }

  /** Refuses a change once halted. */
  private assertRunning(): void {
    if (this.halted !== null)
      throw new Error(`devnet halted: ${this.halted}; restart it to recover from its journal`);
  }

  /** Journals an applied change; on failure halts (the change is not acknowledged either). */
  private commit(op: JournalOp): void {
    try {
      this.record(op);
    } catch (err) {
      this.halted = `journal write failed (${err instanceof Error ? err.message : String(err)})`;
      throw new Error(`devnet halted: ${this.halted}`);
    }
  }

  broadcast(rawHex: string): StacksTxRecord {
    this.assertRunning();
    const record = this.chain.broadcast(rawHex);
    this.commit({ op: 'stx', hex: record.hex });
    return record;
  }

  sendRawTransaction(rawHex: string): Acceptance {
    this.assertRunning();
    const accepted = this.ledger.submit(rawHex);
    this.commit({ op: 'btc', hex: rawHex.toLowerCase() });
    return accepted;
  }

  faucet(script: Uint8Array, amount: bigint): Acceptance {
    this.assertRunning();
    const { hex: rawHex, ...accepted } = this.ledger.faucet(
      script,
      amount,
      BigInt(Math.max(1, Math.ceil(this.feeRate))),
    );
    this.commit({ op: 'btc', hex: rawHex });
    return accepted;
  }

  /**
   * The STX faucet: a real transfer signed by the faucet key, mined at once in its own Stacks
   * block of the current tenure (so the funds are there when the call returns). Bad input is
   * refused by the admission checks before anything changes.
   */
  faucetStx(principal: string, amount: bigint): StacksTxRecord {
    this.assertRunning();
    const rawHex = faucetTransfer(
      principal,
      amount,
      this.chain.possibleNextNonce(STX_FAUCET_ADDRESS),
    );
    const record = this.mineFaucetTransfer(rawHex);
    this.commit({ op: 'faucet-stx', hex: record.hex });
    return record;
  }

  private mineFaucetTransfer(rawHex: string): StacksTxRecord {
    const record = this.chain.broadcast(rawHex);
    try {
      // Mines every pending transfer of the faucet account, this one last: the key is public, so
      // a transfer someone else signed with it may be waiting, and nonces must stay in sequence.
      const faucetPending = this.chain.pending().filter((t) => t.sender === STX_FAUCET_ADDRESS);
      for (const t of faucetPending) this.chain.mineNow(t.txid, this.burnTip());
    } catch (err) {
      this.halted = `a faucet block failed (${err instanceof Error ? err.message : String(err)})`;
      throw err;
    }
    return record;
  }

  /** One tick: a Bitcoin block paying `script` plus the Stacks blocks of the mempool. */
  tick(script: Uint8Array, time = this.now()): Block {
    this.assertRunning();
    // The ledger must be at the simnet's burn height before both advance together.
    if (this.ledger.height !== this.simnet.burnBlockHeight) {
      throw new Error(
        `chains out of step: bitcoin ${this.ledger.height}, simnet burn ${this.simnet.burnBlockHeight}`,
      );
    }
    quiet(() => this.simnet.mineEmptyBurnBlock());
    let block: Block;
    try {
      block = this.ledger.mineBlock(script, time);
      this.chain.mineMempool({ height: block.height, hash: block.hash, time: block.time });
    } catch (err) {
      // The simnet advanced and the ledger (or the Stacks blocks) did not: out of step for good.
      this.halted = `a block failed half-way (${err instanceof Error ? err.message : String(err)})`;
      throw err;
    }
    this.commit({ op: 'mine', script: hex.encode(script), time: block.time });
    this.onBlock?.(block, this.simnet.blockHeight);
    return block;
  }

  generate(count: number, script: Uint8Array): Block[] {
    const blocks: Block[] = [];
    for (let i = 0; i < count; i++) blocks.push(this.tick(script));
    return blocks;
  }

  mine(blocks: number): void {
    this.generate(blocks, hex.decode(Ledger.faucetScriptHex));
  }
}
