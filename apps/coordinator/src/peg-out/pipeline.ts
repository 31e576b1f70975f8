/**
 * The peg-out pipeline of one coordinator. Every coordinator follows the queue (for its API);
 * only the active one acts, one step per tick, each step decided again from the chains:
 *
 * 1. complete on Stacks the requests of a sweep mined `sweepConfirmations` deep (one
 *    `complete-withdrawals`, co-signed by the signer principal);
 * 2. wait while a sweep of ours is in the mempool (one live sweep at a time: every sweep spends
 *    every wallet UTXO it uses, so two sweeps in flight always conflict and at most one is mined:
 *    a request is never paid twice, whoever coordinated);
 * 3. send a sweep this coordinator signed before and did not see broadcast (a restart between
 *    signing and broadcasting);
 * 4. build a sweep of the pending, confirmed requests no sweep on chain names, have the
 *    signers sign every input in one round, and broadcast it.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  BitcoinRpcError,
  btcToSats,
  buildSweep,
  finalizeSweep,
  RPC_ERROR_CODE,
  SweepError,
  type WalletUtxo,
} from '@peg/bitcoin';
import {
  chainFeeRate,
  completionOf,
  type HostLogger,
  type PegOutConfig,
  type SeenSweep,
  SIGNER_BITMAP,
  type SweepScan,
  SweepScanner,
  sweepRequestOf,
  walletAddressOf,
  walletOutputKey,
} from '@peg/runtime';
import {
  type ContractCallSpec,
  rejectWithdrawalCall,
  type StacksClient,
  type WithdrawalRequest,
} from '@peg/stacks-client';
import type { CrashPoint } from './crash-points.ts';
import type { QueueStore, RequestState } from './queue-store.ts';

/** Most wallet UTXOs one sweep spends (one signing message each; the wire allows 128). */
export const MAX_SWEEP_UTXOS = 100;

/** The signers would not sign a sweep (refusals left fewer than the threshold). */
export class SweepRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepRefusedError';
  }
}

/** What the pipeline needs from the coordinator process. */
export type PipelinePorts = {
  bitcoin: BitcoinRpc;
  stacks: StacksClient;
  network: 'bitcoin' | 'testnet' | 'regtest';
  config: PegOutConfig;
  store: QueueStore;
  logger: HostLogger;
  /** The registry's aggregate key, when this coordinator's machine holds it (else undefined). */
  walletGroupKey(): string | undefined;
  /** True while this coordinator is the active one. */
  isActive(): boolean;
  /** One signing round over `messages` (a sighash per input); resolves with the signatures. */
  sign(body: {
    withdrawalRequestIds: number[];
    unsignedTransaction: string;
    messages: string[];
  }): Promise<string[]>;
  /** Has the signer principal co-sign `spec`, sends it and waits until mined; its txid. */
  cosignAndSend(spec: ContractCallSpec, what: string): Promise<string>;
  now?: () => number;
  /** Test hook (`crash-points.ts`): called at each step boundary. */
  crash?: (point: CrashPoint) => void;
};

/** What the last tick saw and did (status and tests). */
export type PipelineStatus = {
  at: number;
  walletAddress: string | null;
  walletBalance: string | null;
  pending: number;
  liveSweeps: string[];
  lastAction: string;
};

export class PegOutPipeline {
  readonly #p: PipelinePorts;
  readonly #scanner: SweepScanner;
  readonly #now: () => number;
  /** Requests already completed or rejected on Stacks (never read again). */
  readonly #finished = new Set<bigint>();
  /** Lowest id not known to be finished: reads start there. */
  #low = 1n;
  #signing: { txid: string; ids: bigint[] } | undefined;
  /**
   * Batches to try first, after a refused sweep: the signers decide per request (policy,
   * review), so a refused batch is split in halves until the refused requests stand alone.
   */
  #batches: bigint[][] = [];
  /** Requests refused alone, and until when they wait. */
  readonly #held = new Map<bigint, number>();
  /** Requests refused alone, to propose rejecting on Stacks (each signer decides for itself). */
  readonly #toReject = new Set<bigint>();
  status: PipelineStatus | undefined;

  constructor(ports: PipelinePorts) {
    this.#p = ports;
    this.#scanner = new SweepScanner(ports.bitcoin);
    this.#now = ports.now ?? Date.now;
  }

  /** One look at the chains and, when active, at most one step. */
  async tick(): Promise<string> {
    const groupKey = this.#p.walletGroupKey();
    if (groupKey === undefined) return this.#done('no wallet key yet');
    const walletKey = walletOutputKey(groupKey);
    const address = walletAddressOf(groupKey, this.#p.network);
    const requests = await this.#readRequests();
    const pending = requests.filter((r) => r.status === 'pending');
    const tip = await this.#p.bitcoin.getBlockCount();
    const from = pending.reduce((h, r) => Math.min(h, Number(r.blockHeight)), tip + 1);
    const scan = await this.#scanner.scan(new Set([walletKey]), from);
    this.#record(requests, scan, tip);
    const utxos = await this.#walletUtxos(address, walletKey);
    this.status = {
      at: this.#now(),
      walletAddress: address,
      walletBalance: utxos.reduce((s, u) => s + u.amount, 0n).toString(),
      pending: pending.length,
      liveSweeps: scan.mempool.map((s) => s.txid),
      lastAction: this.status?.lastAction ?? 'none',
    };
    if (!this.#p.isActive()) return this.#done('following (not the active coordinator)');
    const byId = new Map(requests.map((r) => [r.id, r]));

    // 1. Complete a mined sweep on Stacks.
    for (const sweep of scan.confirmed) {
      if (tip - sweep.block!.height + 1 < this.#p.config.sweepConfirmations) continue;
      if (!sweep.ids.some((id) => byId.get(id)?.status === 'pending')) continue;
      return this.#done(await this.#complete(sweep, byId));
    }
    // 1b. Reject on Stacks a request the signers refused alone: each co-signs only a request it
    // rejected itself (policy, operator, or a review deadline), so a request still in review
    // is refused here and proposed again after its next refusal.
    for (const id of this.#toReject) {
      this.#toReject.delete(id);
      if (
        byId.get(id)?.status !== 'pending' ||
        scan.confirmed.concat(scan.mempool).some((x) => x.ids.includes(id))
      )
        continue;
      return this.#done(await this.#reject(id));
    }
    // 2. One live sweep at a time.
    if (scan.mempool.length > 0)
      return this.#done(`waiting for sweep ${scan.mempool[0]!.txid} to be mined`);
    // 3. A sweep signed before a restart and never seen on chain: send it, not another one.
    const seen = new Set([...scan.confirmed, ...scan.mempool].map((s) => s.txid));
    for (const s of this.#p.store.sweeps({ limit: 20, state: 'signed' })) {
      if (seen.has(s.txid) || s.hex === null) continue;
      return this.#done(await this.#broadcast(s.txid, s.hex, s.ids.map(BigInt)));
    }
    // 4. A new sweep.
    const named = new Set(scan.confirmed.flatMap((s) => s.ids));
    const now = this.#now();
    for (const [id, until] of this.#held) if (until <= now) this.#held.delete(id);
    let eligible = pending.filter(
      (r) =>
        !named.has(r.id) &&
        !this.#held.has(r.id) &&
        tip - Number(r.blockHeight) >= this.#p.config.requestConfirmations,
    );
    while (this.#batches.length > 0) {
      const batch = new Set(this.#batches[0]);
      const within = eligible.filter((r) => batch.has(r.id));
      if (within.length > 0) {
        eligible = within;
        break;
      }
      this.#batches.shift();
    }
    if (eligible.length === 0) return this.#done('nothing to sweep');
    if (utxos.length === 0) return this.#done(`the wallet ${address} has no confirmed UTXO`);
    return this.#done(await this.#sweep(eligible, utxos, walletKey));
  }

  #done(action: string): string {
    if (this.status) this.status.lastAction = action;
    return action;
  }

  /** Every request from the lowest unfinished id to the last one, as Stacks stores them. */
  async #readRequests(): Promise<WithdrawalRequest[]> {
    const last = await this.#p.stacks.getLastWithdrawalRequestId();
    const out: WithdrawalRequest[] = [];
    for (let from = this.#low; from <= last; from += 500n) {
      const to = from + 499n < last ? from + 499n : last;
      out.push(...(await this.#p.stacks.getWithdrawalRequests(from, to)));
    }
    for (const r of out) if (r.status !== 'pending') this.#finished.add(r.id);
    while (this.#finished.has(this.#low)) this.#finished.delete(this.#low++);
    return out;
  }

  async #walletUtxos(address: string, walletKey: string): Promise<WalletUtxo[]> {
    const unspent = await this.#p.bitcoin.listUnspent({ minConf: 1, addresses: [address] });
    return unspent
      .sort((a, b) => b.amount - a.amount)
      .slice(0, MAX_SWEEP_UTXOS)
      .map((u) => ({
        txid: u.txid,
        vout: u.vout,
        amount: btcToSats(u.amount),
        outputKey: hexToBytes(walletKey),
      }));
  }

  /** Each request's state as the chains show it, recorded with the time it changed. */
  #record(requests: WithdrawalRequest[], scan: SweepScan, tip: number): void {
    const now = this.#now();
    const inSweep = new Map<bigint, SeenSweep>();
    for (const s of [...scan.confirmed, ...scan.mempool])
      for (const id of s.ids) inSweep.set(id, s);
    for (const r of requests) {
      const sweep = inSweep.get(r.id);
      let state: RequestState;
      if (r.status === 'accepted') state = 'completed';
      else if (r.status === 'rejected') state = 'rejected';
      else if (sweep?.block !== undefined) state = 'mined';
      else if (sweep !== undefined) state = 'broadcast';
      else if (this.#signing?.ids.includes(r.id)) state = 'signing';
      else if (tip - Number(r.blockHeight) >= this.#p.config.requestConfirmations)
        state = 'confirmed';
      else state = 'seen';
      this.#p.store.setRequest(factsOf(r), state, {
        now,
        ...(sweep !== undefined ? { sweepTxid: sweep.txid } : {}),
        // Why it waited no longer applies once it moves on.
        ...(state !== 'seen' && state !== 'confirmed' ? { detail: null } : {}),
      });
    }
    for (const s of scan.confirmed) {
      const known = this.#p.store.sweep(s.txid);
      const done = s.ids.every((id) => {
        const r = requests.find((x) => x.id === id);
        return r === undefined || r.status === 'accepted';
      });
      const state = done ? 'completed' : 'mined';
      if (known?.state === state && known.minedHeight === s.block!.height) continue;
      this.#p.store.putSweep(
        {
          ...this.#sweepFacts(s, known),
          state,
          minedHeight: s.block!.height,
        },
        now,
      );
    }
    for (const s of scan.mempool) {
      const known = this.#p.store.sweep(s.txid);
      if (known?.state === 'broadcast') continue;
      this.#p.store.putSweep(
        {
          ...this.#sweepFacts(s, known),
          state: 'broadcast',
          broadcastAt: known?.broadcastAt ?? now,
        },
        now,
      );
    }
  }

  #sweepFacts(s: SeenSweep, known: ReturnType<QueueStore['sweep']>) {
    // A sweep another coordinator built: its vsize from its bytes (witness counted at 1/4).
    const base = s.reading.unsignedTx.length;
    const vsize = known?.vsize ?? Math.ceil((base * 3 + s.hex.length / 2) / 4);
    return {
      txid: s.txid,
      ids: s.ids.map(String),
      fee: s.fee.toString(),
      feeRate: known?.feeRate ?? Number(s.fee) / vsize,
      vsize,
    };
  }

  async #complete(sweep: SeenSweep, byId: Map<bigint, WithdrawalRequest>): Promise<string> {
    const completion = completionOf(sweep, byId);
    if (!completion.ok) {
      this.#p.logger.warn(
        { txid: sweep.txid, reason: completion.reason },
        'sweep cannot be completed',
      );
      return `sweep ${sweep.txid} cannot be completed: ${completion.reason}`;
    }
    this.#p.logger.info(
      { txid: sweep.txid, ids: sweep.ids.map(String) },
      'completing a sweep on Stacks',
    );
    this.#p.crash?.('before-complete');
    const txid = await this.#p.cosignAndSend(completion.spec, 'complete-withdrawals');
    this.#p.crash?.('after-complete');
    const known = this.#p.store.sweep(sweep.txid);
    this.#p.store.putSweep(
      { ...this.#sweepFacts(sweep, known), state: 'completed', completionTxid: txid },
      this.#now(),
    );
    this.#p.logger.info({ txid: sweep.txid, stacksTxid: txid }, 'sweep completed on Stacks');
    return `completed sweep ${sweep.txid} in Stacks transaction ${txid}`;
  }

  async #sweep(eligible: WithdrawalRequest[], utxos: WalletUtxo[], walletKey: string) {
    const feeRate = await chainFeeRate(this.#p.bitcoin, this.#p.config);
    let sweep: ReturnType<typeof buildSweep>;
    try {
      sweep = buildSweep({
        utxos,
        requests: eligible.map(sweepRequestOf),
        feeRate,
        changeOutputKey: hexToBytes(walletKey),
      });
    } catch (err) {
      if (err instanceof SweepError) {
        for (const x of err.excluded) this.#exclude(eligible, x.id, `${x.reason}: ${x.detail}`);
        return `nothing to sweep: ${err.excluded.map((x) => `${x.id} ${x.reason}`).join(', ')}`;
      }
      throw err;
    }
    for (const x of sweep.excluded) this.#exclude(eligible, x.id, `${x.reason}: ${x.detail}`);
    const ids = sweep.requests.map((r) => r.id);
    const now = this.#now();
    const facts = {
      txid: sweep.txid,
      ids: ids.map(String),
      fee: sweep.fee.toString(),
      feeRate: Number(sweep.feeRateSatPerKvb) / 1000,
      vsize: sweep.vsize,
    };
    this.#p.store.putSweep({ ...facts, state: 'signing' }, now);
    this.#signing = { txid: sweep.txid, ids };
    this.#p.logger.info(
      {
        txid: sweep.txid,
        ids: facts.ids,
        inputs: utxos.length,
        feeRate: facts.feeRate,
        fee: facts.fee,
      },
      'signing a sweep',
    );
    this.#p.crash?.('before-sign');
    let signatures: string[];
    try {
      signatures = await this.#p.sign({
        withdrawalRequestIds: ids.map(Number),
        unsignedTransaction: bytesToHex(sweep.unsignedTx),
        messages: sweep.sighashes.map(bytesToHex),
      });
    } catch (err) {
      this.#p.store.putSweep({ ...facts, state: 'failed', detail: String(err) }, this.#now());
      if (err instanceof SweepRefusedError) return this.#refused(ids, String(err.message));
      throw err;
    } finally {
      this.#signing = undefined;
    }
    const signed = finalizeSweep(sweep, signatures.map(hexToBytes));
    // Durable before it leaves: a restart sends these bytes instead of building another sweep.
    this.#p.store.putSweep({ ...facts, state: 'signed', hex: signed.hex }, this.#now());
    this.#p.crash?.('after-sign');
    return this.#broadcast(sweep.txid, signed.hex, ids);
  }

  async #broadcast(txid: string, hex: string, ids: bigint[]): Promise<string> {
    const known = this.#p.store.sweep(txid);
    try {
      await this.#p.bitcoin.sendRawTransaction(hex);
      this.#p.crash?.('after-broadcast');
    } catch (err) {
      if (err instanceof BitcoinRpcError && err.code === RPC_ERROR_CODE.verifyAlreadyInChain) {
        // Sent before a restart and mined since (its requests were completed meanwhile).
        if (known) this.#p.store.putSweep({ ...known, state: 'mined' }, this.#now());
        return `sweep ${txid} was mined already`;
      }
      // Its inputs were spent meanwhile (another coordinator's sweep was mined or is in the
      // mempool): this one can never be mined.
      if (known)
        this.#p.store.putSweep({ ...known, state: 'dropped', detail: String(err) }, this.#now());
      this.#p.logger.warn({ txid, err: String(err) }, 'sweep not accepted by the node; dropped');
      return `sweep ${txid} dropped: ${String(err)}`;
    }
    if (known)
      this.#p.store.putSweep(
        { ...known, state: 'broadcast', broadcastAt: this.#now() },
        this.#now(),
      );
    this.#p.logger.info({ txid, ids: ids.map(String) }, 'sweep broadcast');
    return `broadcast sweep ${txid}`;
  }

  async #reject(id: bigint): Promise<string> {
    this.#p.logger.info({ id: String(id) }, 'proposing to reject a request on Stacks');
    this.#p.crash?.('before-reject');
    try {
      const txid = await this.#p.cosignAndSend(
        rejectWithdrawalCall({ requestId: id, signerBitmap: SIGNER_BITMAP }),
        'reject-withdrawal-request',
      );
      this.#p.logger.info({ id: String(id), stacksTxid: txid }, 'request rejected on Stacks');
      return `rejected request ${id} in Stacks transaction ${txid}`;
    } catch (err) {
      this.#p.logger.info({ id: String(id), err: String(err) }, 'rejection not co-signed');
      return `rejection of request ${id} not co-signed: ${String(err)}`;
    }
  }

  /** A refused batch: try its halves next; a request refused alone waits `retryRefusedMs`. */
  #refused(ids: bigint[], why: string): string {
    const first = this.#batches[0];
    if (first !== undefined && ids.every((id) => first.includes(id))) this.#batches.shift();
    if (ids.length > 1) {
      const half = Math.ceil(ids.length / 2);
      this.#batches.unshift(ids.slice(0, half), ids.slice(half));
      this.#p.logger.warn({ ids: ids.map(String), why }, 'sweep refused; trying its halves');
      return `sweep of [${ids.join(',')}] refused; trying halves`;
    }
    const id = ids[0]!;
    this.#held.set(id, this.#now() + this.#p.config.retryRefusedMs);
    this.#toReject.add(id);
    this.#p.logger.warn({ id: String(id), why }, 'request refused by the signers; held');
    this.#p.store.setDetail(String(id), `refused by the signers: ${why}`);
    return `request ${id} refused; held for ${this.#p.config.retryRefusedMs} ms`;
  }

  #exclude(requests: WithdrawalRequest[], id: bigint, detail: string): void {
    const r = requests.find((x) => x.id === id);
    if (r === undefined) return;
    this.#p.store.setRequest(factsOf(r), 'confirmed', { now: this.#now(), detail });
  }
}

/** A request's facts as the queue records them (the recipient as `version:hashbytes`). */
const factsOf = (r: WithdrawalRequest) => ({
  id: r.id.toString(),
  amount: r.amount.toString(),
  maxFee: r.maxFee.toString(),
  sender: r.sender,
  recipient: `${r.recipient.version}:${r.recipient.hashbytes}`,
  burnHeight: Number(r.blockHeight),
});
