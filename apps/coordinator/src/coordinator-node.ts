/**
 * The coordinator process: the coordinator machine in a `MachineHost`, fed by the relay, the
 * Bitcoin tip and the registry, plus the key lifecycle around it (`key-lifecycle.ts`): run a DKG
 * when the registry's federation has no key, publish a verified key with `rotate-keys`, adopt a
 * published key it did not make. Like the signer, each registry layout (epoch) gets its own
 * machine and state file, which starts with the keys of the epoch left (`openCoordinatorStore`).
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import {
  activeOf,
  type CoordinatorInput,
  type CoordinatorReport,
  type CoordinatorState,
  coordinatorCarriedKeys,
  coordinatorStep,
  type FederationConfig,
  federationThresholds,
  initialCoordinatorState,
  type PublicKeyPackage,
  probeMessage,
  type WireEnvelope,
  type WireEnvelopeOf,
  withCarriedCoordinatorKeys,
} from '@peg/protocol';
import {
  type BitcoinTip,
  ContractCallFailed,
  CosignCollector,
  type FederationChange,
  FederationWatch,
  type HostLogger,
  inboxOf,
  Keystore,
  MachineHost,
  type OperatorContext,
  openEpochStore,
  type RelayClient,
  RelayClientError,
  type StateStore,
  sendContractCall,
  sleep,
  timeoutsOf,
  WALLET_TWEAK,
  watchBitcoinTip,
} from '@peg/runtime';
import { type ContractCallSpec, rotateKeysCall, stacksAddressOf } from '@peg/stacks-client';
import type { CoordinatorConfig } from './config.ts';
import { keyAction } from './key-lifecycle.ts';
import type { CrashPoint } from './peg-out/crash-points.ts';
import { PegOutPipeline, SweepRefusedError } from './peg-out/pipeline.ts';
import { QueueStore } from './peg-out/queue-store.ts';

/** A round as the Coordinator API shows it. */
export type RoundRecord = {
  kind: 'dkg' | 'signing';
  id: number | null;
  /** For a signing round: the key's DKG id. */
  dkgId: number | null;
  startedAt: number;
  endedAt: number | null;
  outcome: 'running' | 'succeeded' | 'failed';
  detail: string | null;
  attempts: number;
  participants: number[];
  excluded: Record<string, string>;
  report: CoordinatorReport | null;
};

export type CoordinatorNodeOptions = {
  ctx: OperatorContext;
  config: CoordinatorConfig;
  logger: HostLogger;
  password: Uint8Array;
  waitMs?: number;
  /** Test hook: called at each peg-out step boundary (`peg-out/crash-points.ts`). */
  crash?: (point: CrashPoint) => void;
};

const MAX_ROUNDS = 200;
/** Fee (µSTX) of a co-signed registry call, and how long to wait for the signatures. */
const COSIGN_FEE = 10_000n;
const COSIGN_TIMEOUT_MS = 30_000;

/** A request only the active coordinator serves, made to another one. */
export class NotActiveError extends Error {
  readonly active: number | null;
  constructor(active: number | null) {
    super(`not the active coordinator (the active one is party ${active ?? 'unknown'})`);
    this.name = 'NotActiveError';
    this.active = active;
  }
}

export class CoordinatorNode {
  readonly ctx: OperatorContext;
  readonly watch: FederationWatch;
  readonly rounds: RoundRecord[] = [];
  readonly #opts: CoordinatorNodeOptions;
  readonly #log: HostLogger;
  readonly #stop = new AbortController();
  readonly #listeners = new Set<(e: { at: number; report: CoordinatorReport }) => void>();
  #keystore: Keystore;
  #relay: RelayClient | undefined;
  #host: MachineHost<CoordinatorState, CoordinatorInput, CoordinatorReport> | undefined;
  #store: StateStore | undefined;
  #epoch: string | undefined;
  #federation: FederationConfig | undefined;
  #tasks: Promise<unknown>[] = [];
  /**
   * The last `signer-ready` of each party (its key ids and messaging key), kept across epochs: a
   * signer may switch to a new layout before this process does, and announces it only once.
   */
  #ready = new Map<number, { keyIds: number[]; publicKey: string }>();
  #evaluating = false;
  #again = false;
  #publishing: string | undefined;
  /** Keys the registry accepted once (a used key stays used). */
  readonly #usedKeys = new Set<string>();
  #dkgRetryAt = 0;
  #waiters = new Set<(r: CoordinatorReport) => void>();
  #collector: CosignCollector | undefined;
  tip: BitcoinTip | undefined;
  bitcoinOkAt: number | undefined;
  partyId: number | undefined;
  /** The peg-out queue's record and the pipeline that follows (and, when active, drives) it. */
  queue: QueueStore | undefined;
  pipeline: PegOutPipeline | undefined;
  #pipelineRunning = false;
  /** One Stacks multisig call at a time (the signer principal has one nonce sequence). */
  #cosigning: Promise<unknown> = Promise.resolve();
  /** What the key lifecycle decided last (status). */
  lastDecision = 'starting';

  constructor(opts: CoordinatorNodeOptions) {
    this.#opts = opts;
    this.ctx = opts.ctx;
    this.#log = opts.logger;
    this.#keystore = opts.ctx.keystore;
    this.watch = new FederationWatch({
      stacks: this.ctx.stacks,
      relay: () => this.#announcementsRelay(),
      network: this.ctx.config.network,
      timeouts: timeoutsOf(this.ctx.config),
      logger: this.#log,
      intervalMs: this.ctx.config.stacks.pollMs,
    });
  }

  get state(): CoordinatorState | undefined {
    return this.#host?.state;
  }

  get host() {
    return this.#host;
  }

  get messagingKey(): string {
    return this.#keystore.publicInfo().identityKey;
  }

  /** The active coordinator's party id for the current tip, and whether it is us. */
  role(): { active: number | null; self: boolean } {
    const s = this.state;
    if (s === undefined) return { active: null, self: false };
    const active = activeOf(s.view, s.config.federation.parties);
    return { active, self: active !== null && active === this.partyId };
  }

  subscribe(listener: (e: { at: number; report: CoordinatorReport }) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    const signal = this.#stop.signal;
    const dataDir = this.ctx.path(this.ctx.config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    this.queue = new QueueStore(join(dataDir, 'peg-out.sqlite'));
    this.pipeline = new PegOutPipeline({
      bitcoin: this.ctx.bitcoin,
      stacks: this.ctx.stacks,
      network: this.ctx.config.network,
      config: this.ctx.config.pegOut,
      store: this.queue,
      logger: this.#log,
      walletGroupKey: () => {
        const key = this.state?.key?.pub.groupKey;
        return key !== undefined && key === this.watch.view?.aggregateKey ? key : undefined;
      },
      isActive: () => this.role().self,
      sign: (body) => this.sign(body),
      cosignAndSend: (spec, what) => this.#cosignAndSend(spec, what),
      ...(this.#opts.crash !== undefined ? { crash: this.#opts.crash } : {}),
    });
    const pegOut = setInterval(() => this.#runPipeline(), 1_000);
    pegOut.unref();
    signal.addEventListener('abort', () => clearInterval(pegOut), { once: true });
    this.#tasks.push(
      watchBitcoinTip(this.ctx.bitcoin, {
        signal,
        intervalMs: this.ctx.config.bitcoin.pollMs,
        onRead: () => {
          this.bitcoinOkAt = Date.now();
        },
        onError: (err) => this.#log.warn({ err: String(err) }, 'Bitcoin tip read failed'),
        onTip: (tip) => this.#onTip(tip),
      }),
    );
    // A failed step (a state file that cannot open, a relay refusal) is logged; the next Stacks
    // block tries again.
    // Also on a timer: what the decision reads (our signer's key, the active role) changes
    // without an event here.
    const tick = setInterval(() => this.#evaluate(), 2_000);
    tick.unref();
    signal.addEventListener('abort', () => clearInterval(tick), { once: true });
    this.watch.onChange((c) =>
      this.#reconcile(c).catch((err) =>
        this.#log.error({ err: String(err) }, 'following the registry failed; retried next block'),
      ),
    );
    this.#tasks.push(this.watch.run(signal));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#host?.stop();
    await Promise.allSettled(this.#tasks);
    await this.#cosigning.catch(() => {});
    while (this.#pipelineRunning) await sleep(20);
    this.queue?.close();
    this.queue = undefined;
    this.#store?.close();
    this.#store = undefined;
    this.#host = undefined;
  }

  /**
   * Runs a probe round (a message that can never spend, `probeMessage`) and resolves with its
   * outcome: the federation's liveness check. Only the active coordinator signs it.
   */
  async probe(
    data: Uint8Array = randomBytes(16),
    timeoutMs = 60_000,
  ): Promise<{ report: CoordinatorReport; preimage: string }> {
    const host = this.#host;
    if (host === undefined) throw new Error('no federation machine running yet');
    if (host.state.key === null) throw new Error('no verified key yet');
    // The liveness check is of the published key: a machine still on an earlier key (it has not
    // adopted the one the registry holds) would prove nothing about it.
    const published = this.watch.view?.aggregateKey;
    if (published !== undefined && published !== host.state.key.pub.groupKey)
      throw new Error(
        `the key is changing: this coordinator holds ${host.state.key.pub.groupKey}, the registry ${published}`,
      );
    const p = probeMessage(data);
    const report = await this.#signRound(
      { withdrawalRequestIds: [], unsignedTransaction: p.preimage, messages: [p.message] },
      timeoutMs,
      `probe not signed within ${timeoutMs} ms`,
    );
    return { report, preimage: p.preimage };
  }

  /**
   * One signing round of a transaction (a message per input) under the current key, through
   * this coordinator's machine; resolves with the signatures in message order. Rejects when the
   * federation cannot sign it (refusals leave fewer than the threshold) or the role moves.
   */
  async sign(
    body: { withdrawalRequestIds: number[]; unsignedTransaction: string; messages: string[] },
    timeoutMs = 120_000,
  ): Promise<string[]> {
    const r = await this.#signRound(body, timeoutMs, `not signed within ${timeoutMs} ms`);
    if (r.kind !== 'signature')
      throw new SweepRefusedError(`the signers did not sign: ${JSON.stringify(r.excluded)}`);
    return r.signatures;
  }

  /**
   * Runs one signing round through the machine and resolves with its outcome (`signature` or
   * `insufficient-signers`). Only the active coordinator runs rounds; when the role moves before
   * the round ends (a new tip, a takeover), it is cancelled and the caller gets `NotActiveError`
   * at once rather than waiting in a queue nobody serves.
   */
  async #signRound(
    body: { withdrawalRequestIds: number[]; unsignedTransaction: string; messages: string[] },
    timeoutMs: number,
    timeoutMessage: string,
  ): Promise<Extract<CoordinatorReport, { kind: 'signature' | 'insufficient-signers' }>> {
    const host = this.#host;
    if (host === undefined) throw new Error('no federation machine running yet');
    if (host.state.key === null) throw new Error('no verified key yet');
    const role = this.role();
    if (!role.self) throw new NotActiveError(role.active);
    const record = this.#record({
      kind: 'signing',
      id: null,
      dkgId: host.state.key.dkgId,
      attempts: 1,
    });
    const first = body.messages[0];
    const ids = body.withdrawalRequestIds.join();
    const result = new Promise<
      Extract<CoordinatorReport, { kind: 'signature' | 'insufficient-signers' }>
    >((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(watch);
        this.#waiters.delete(waiter);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(timeoutMessage));
      }, timeoutMs);
      const watch = setInterval(() => {
        const now = this.role();
        if (now.self) return;
        done();
        this.#finishHandedOver(record, now.active);
        void host
          .push({
            type: 'command',
            command: { kind: 'cancel', withdrawalRequestIds: body.withdrawalRequestIds },
          })
          .catch(() => {});
        reject(new NotActiveError(now.active));
      }, 250);
      const waiter = (r: CoordinatorReport) => {
        if (
          (r.kind === 'signature' && r.messages[0] === first) ||
          (r.kind === 'insufficient-signers' && r.withdrawalRequestIds.join() === ids)
        ) {
          done();
          this.#finish(record, r);
          resolve(r);
        }
      };
      this.#waiters.add(waiter);
    });
    // A sweep handed back to the machine's queue when the role moved earlier is stale: the
    // pipeline decides afresh from the chains each time, so only its newest sweep may run.
    if (body.withdrawalRequestIds.length > 0)
      for (const q of host.state.queue)
        if (q.withdrawalRequestIds.length > 0)
          await host.push({
            type: 'command',
            command: { kind: 'cancel', withdrawalRequestIds: q.withdrawalRequestIds },
          });
    await host.push({
      type: 'command',
      command: { kind: 'sign', ...body, tweak: WALLET_TWEAK },
    });
    return result;
  }

  /** One pipeline tick at a time; a failure is logged and the next tick decides again. */
  #runPipeline(): void {
    if (this.#pipelineRunning || this.pipeline === undefined || this.#stop.signal.aborted) return;
    this.#pipelineRunning = true;
    void this.pipeline
      .tick()
      .catch((err) => {
        if (!this.#stop.signal.aborted)
          this.#log.warn({ err: String(err) }, 'peg-out step failed; decided again next tick');
      })
      .finally(() => {
        this.#pipelineRunning = false;
      });
  }

  // ---- inputs ----

  async #onTip(tip: BitcoinTip): Promise<void> {
    this.tip = tip;
    // A new tip can make us active, and an active machine starts a DKG it queued earlier at
    // once: take a key our signer verified since (another coordinator's DKG) first.
    await this.#adoptBeforeActing().catch(() => {});
    await this.#host?.push({ type: 'chain-tip', tip: tip.hash, height: tip.height });
    this.#evaluate();
  }

  async #reconcile(c: FederationChange): Promise<void> {
    const key = this.ctx.info.stacksPublicKey;
    const party = this.watch.directory.parties.find((p) => p.registeredKey === key);
    this.partyId = party?.id;
    if (party === undefined) {
      this.lastDecision = 'this operator is not a party of the registry';
      if (this.#host) await this.#stopHost(this.lastDecision);
      return;
    }
    if (!c.config.ok || c.epoch === undefined) {
      this.lastDecision = c.config.ok ? 'no epoch' : c.config.reason;
      return;
    }
    const federation = c.config.config;
    if (c.epoch !== this.#epoch) {
      await this.#startHost(c.epoch, party.id, federation);
    } else if (this.#host && JSON.stringify(federation) !== JSON.stringify(this.#federation)) {
      this.#federation = federation;
      // Our own operator may have rotated the messaging key: the keystore file has the new one.
      await this.#reloadKeystore();
      await this.#host.push({ type: 'messaging-keys', federation });
    }
    this.#evaluate();
  }

  // ---- key lifecycle ----

  /** Decides and acts (one evaluation at a time; a request during one runs it again after). */
  #evaluate(): void {
    if (this.#evaluating) {
      this.#again = true;
      return;
    }
    this.#evaluating = true;
    void (async () => {
      try {
        do {
          this.#again = false;
          await this.#evaluateOnce();
        } while (this.#again && !this.#stop.signal.aborted);
      } catch (err) {
        this.#log.warn({ err: String(err) }, 'key lifecycle step failed; retried next block');
      } finally {
        this.#evaluating = false;
      }
    })();
  }

  async #evaluateOnce(): Promise<void> {
    const host = this.#host;
    const view = this.watch.view;
    const federation = this.#federation;
    if (host === undefined || view === undefined || federation === undefined) return;
    const s = host.state;
    const epochKeys = federation.parties.map((p) => this.watch.directory.registeredKey(p.id) ?? '');
    const total = federation.parties.reduce((n, p) => n + p.keyIds.length, 0);
    const { stacksThreshold } = federationThresholds(total, federation.parties.length);
    const readyKeyIds = this.#readyParties(federation).reduce((n, p) => n + p.keyIds.length, 0);
    const machineKey = s.key !== null ? s.key.pub.groupKey : null;
    const dkgPending = s.dkg !== null || s.dkgQueued;
    // Our signer's verified key of this epoch: the key the signers sign with (a loopback call).
    const answer = await this.#signerKey();
    if (answer === 'unknown') {
      // Not knowing our signer's key is not knowing there is none: deciding now could start a
      // DKG that replaces a good key (a busy signer, one switching epochs).
      if (this.lastDecision !== 'waiting for our signer to tell its key')
        this.#log.info({ decision: 'waiting for our signer to tell its key' }, 'key lifecycle');
      this.lastDecision = 'waiting for our signer to tell its key';
      return;
    }
    const signerKey = answer?.pub.groupKey ?? null;
    const retiredKeys = await this.#retired([machineKey, signerKey], view.aggregateKey);
    const decision = keyAction({
      retiredKeys,
      chainAggregateKey: view.aggregateKey,
      machineKey,
      signerKey,
      dkgPending,
      active: this.role().self,
      readyKeyIds,
      dkgThreshold: federation.dkgThreshold,
    });
    const said = decision.action === 'none' ? decision.why : decision.action;
    // Each change of mind once: why no DKG runs (or which key it waits for) is in the log.
    if (said !== this.lastDecision) this.#log.info({ decision: said }, 'key lifecycle');
    this.lastDecision = said;
    switch (decision.action) {
      case 'none':
        return;
      case 'dkg':
        if (Date.now() < this.#dkgRetryAt) {
          this.lastDecision = 'waiting to retry the DKG';
          return;
        }
        this.#log.info({ readyKeyIds, dkgThreshold: federation.dkgThreshold }, 'requesting a DKG');
        this.#record({ kind: 'dkg', id: null, dkgId: null, attempts: 1 });
        await host.push({ type: 'command', command: { kind: 'dkg' } });
        return;
      case 'publish':
        await this.#publish(decision.groupKey, epochKeys, stacksThreshold);
        return;
      case 'adopt':
        await this.#adopt(decision.groupKey);
        return;
    }
  }

  /**
   * Which of `keys` the registry accepted once and replaced since. "Used" is read first and then
   * the registry's current key, fresh: the cached view may be a block behind the read-only call,
   * and a key published in between is used but current, not retired. A used key stays used, so
   * that answer is remembered; being current is not.
   */
  async #retired(keys: (string | null)[], current: string): Promise<Set<string>> {
    const used: string[] = [];
    for (const k of keys) {
      if (k === null || k === current) continue;
      if (!this.#usedKeys.has(k) && (await this.ctx.stacks.isAggregatePubkeyUsed(k)))
        this.#usedKeys.add(k);
      if (this.#usedKeys.has(k)) used.push(k);
    }
    if (used.length === 0) return new Set();
    const now = await this.ctx.stacks.getAggregatePubkey();
    return new Set(used.filter((k) => k !== now));
  }

  /** `rotate-keys` with the new key: by the bootstrap key while it is the signer principal. */
  async #publish(groupKey: string, keys: string[], threshold: number): Promise<void> {
    if (this.#publishing === groupKey) return;
    const view = this.watch.view;
    if (view === undefined) return;
    this.#publishing = groupKey;
    try {
      const spec = rotateKeysCall({ keys, aggregatePubkey: groupKey, threshold });
      const bootstrap = await this.#bootstrapKey();
      const network = this.ctx.config.stacks.network;
      if (
        bootstrap !== undefined &&
        stacksAddressOf(bytesToHex(secp256k1.getPublicKey(bootstrap, true)), network) ===
          view.signerPrincipal
      ) {
        this.#log.info({ groupKey }, 'publishing the key (rotate-keys by the bootstrap principal)');
        const info = await sendContractCall(this.ctx.stacks, spec, {
          senderKey: bootstrap,
          network,
        });
        bootstrap.fill(0);
        this.#log.info({ txid: info.txid, groupKey }, 'rotate-keys mined');
        return;
      }
      bootstrap?.fill(0);
      this.#log.info(
        { groupKey },
        'publishing the key (rotate-keys co-signed by the signer principal)',
      );
      await this.#cosignAndSend(spec, 'rotate-keys');
      return;
    } catch (err) {
      this.#log.warn({ err: String(err), groupKey }, 'publishing the key failed; retried');
      await sleep(2_000, this.#stop.signal);
      this.#publishing = undefined;
      this.#evaluate();
      return;
    }
  }

  /**
   * A call signed by the current signer principal: an unsigned order-independent multisig call
   * proposed to every signer (`stacks-cosign-request`); each checks it against its own view and
   * signs or refuses; with the principal's threshold of signatures it is assembled, sent, and
   * waited for until mined (its txid). One at a time: the principal has one nonce sequence.
   */
  #cosignAndSend(spec: ContractCallSpec, what: string): Promise<string> {
    const run = this.#cosigning.catch(() => {}).then(() => this.#cosignOnce(spec, what));
    this.#cosigning = run;
    return run;
  }

  async #cosignOnce(spec: ContractCallSpec, what: string): Promise<string> {
    const host = this.#host;
    const view = this.watch.view;
    if (host === undefined || view === undefined) throw new Error('no federation machine yet');
    const signers = { publicKeys: view.signerSet, threshold: view.threshold };
    const account = await this.ctx.stacks.getAccount(view.signerPrincipal);
    if (account.balance < COSIGN_FEE)
      throw new Error(
        `the signer principal ${view.signerPrincipal} holds ${account.balance} µSTX, less than the ${COSIGN_FEE} µSTX fee`,
      );
    const tx = await this.ctx.stacks.buildMultisigCall(spec, {
      publicKeys: view.signerSet,
      threshold: view.threshold,
      nonce: account.nonce,
      fee: COSIGN_FEE,
    });
    const collector = new CosignCollector(tx.txHex, signers);
    this.#collector = collector;
    this.#log.info(
      { call: what, signerPrincipal: view.signerPrincipal, threshold: view.threshold },
      'proposing a call of the signer principal',
    );
    try {
      await host.send({ kind: 'broadcast' }, {
        kind: 'stacks-cosign-request',
        payload: { transaction: tx.txHex },
      } as never);
      const end = Date.now() + COSIGN_TIMEOUT_MS;
      while (collector.signatureCount < signers.threshold) {
        const possible = signers.publicKeys.length - collector.refusals.size;
        if (possible < signers.threshold)
          throw new Error(
            `co-signing refused by ${collector.refusals.size} signers: ${JSON.stringify(Object.fromEntries(collector.refusals))}`,
          );
        if (Date.now() > end)
          throw new Error(
            `co-signing: ${collector.signatureCount} of ${signers.threshold} signatures in ${COSIGN_TIMEOUT_MS} ms`,
          );
        await sleep(100, this.#stop.signal);
        if (this.#stop.signal.aborted) throw new Error('stopping');
      }
    } finally {
      if (this.#collector === collector) this.#collector = undefined;
    }
    const assembled = collector.assemble();
    await this.ctx.stacks.broadcast(assembled);
    if (what === 'complete-withdrawals') this.#opts.crash?.('completion-sent');
    const info = await this.ctx.stacks.waitForTransaction(assembled.txid, {
      timeoutMs: 120_000,
      pollMs: 500,
    });
    if (info.status !== 'success') throw new ContractCallFailed(what, info);
    this.#log.info({ txid: info.txid, call: what }, 'signer principal call mined');
    return info.txid;
  }

  async #bootstrapKey(): Promise<Uint8Array | undefined> {
    const file = this.#opts.config.bootstrapSignerKeyFile;
    if (file === undefined) return undefined;
    const text = (await readFile(this.ctx.path(file), 'utf8')).trim().replace(/^0x/, '');
    const hex = text.length === 66 && text.endsWith('01') ? text.slice(0, 64) : text;
    if (!/^[0-9a-f]{64}$/i.test(hex))
      throw new Error(`bootstrapSignerKeyFile ${file}: expected a 32-byte hex secret key`);
    return hexToBytes(hex.toLowerCase());
  }

  /** The verified key package of our own signer (its API), or undefined when it has none. */
  async #signerKeyPackage(): Promise<{ dkgId: number; pub: PublicKeyPackage } | undefined> {
    const answer = await this.#signerKey();
    return answer === 'unknown' || answer === null ? undefined : answer;
  }

  /**
   * Our signer's verified key of this epoch: the package, null when it answered that it has none
   * (or no signer API is configured), 'unknown' when it did not answer or is on another epoch.
   */
  async #signerKey(): Promise<{ dkgId: number; pub: PublicKeyPackage } | null | 'unknown'> {
    const api = this.#opts.config.signerApi;
    if (api === undefined) return null;
    const token = (await readFile(this.ctx.path(api.tokenFile), 'utf8')).trim();
    const r = await fetch(new URL('/v1/key', api.url), {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    if (r?.status === 409) return null;
    if (r === undefined || !r.ok) return 'unknown';
    const pkg = (await r.json()) as { dkgId: number; pub: PublicKeyPackage };
    // Only a key made for this epoch's layout: our signer may still be on the previous epoch,
    // whose key the registry also holds until the new one is published.
    const fed = this.#federation;
    const layout = (parties: readonly { id: number; keyIds: readonly number[] }[], t: number) =>
      JSON.stringify([t, parties.map((p) => [p.id, p.keyIds])]);
    if (
      fed === undefined ||
      layout(pkg.pub.layout.parties, pkg.pub.layout.threshold) !==
        layout(fed.parties, fed.threshold)
    )
      return 'unknown';
    return pkg;
  }

  /** With a DKG queued, adopts our signer's live key of this epoch if the machine lacks it. */
  async #adoptBeforeActing(): Promise<void> {
    const s = this.#host?.state;
    const view = this.watch.view;
    if (s === undefined || view === undefined || !s.dkgQueued) return;
    const pkg = await this.#signerKeyPackage();
    if (pkg === undefined || pkg.pub.groupKey === s.key?.pub.groupKey) return;
    const retired = await this.#retired([pkg.pub.groupKey], view.aggregateKey);
    if (!retired.has(pkg.pub.groupKey)) await this.#adopt(pkg.pub.groupKey);
  }

  /** Adopts the key our own signer verified in this epoch (a DKG this machine did not finish). */
  async #adopt(groupKey: string): Promise<void> {
    const pkg = await this.#signerKeyPackage();
    if (pkg?.pub.groupKey !== groupKey) return;
    await this.#host?.push({
      type: 'command',
      command: { kind: 'set-key', dkgId: pkg.dkgId, pub: pkg.pub, verification: '' },
    });
    this.#log.info({ groupKey, dkgId: pkg.dkgId }, 'adopted the key our signer verified');
  }

  // ---- the epoch's machine ----

  /** The relay client of our inbox under the messaging key (rebuilt when the party id moves). */
  #relayClient(): RelayClient {
    const member = inboxOf('coordinator', this.partyId ?? 0);
    if (this.#relay === undefined || this.#relay.party !== member) {
      const secret = this.#keystore.identitySecretKey();
      this.#relay = this.ctx.relay(member, secret);
      secret.fill(0);
    }
    return this.#relay;
  }

  /**
   * A relay client under the registered (Stacks) key, which the relay accepts for our party as
   * soon as the registry lists it: for reading the announcements before ours is known.
   */
  #announcementsRelay(): RelayClient | undefined {
    const key = this.ctx.info.stacksPublicKey;
    const party = this.watch.directory.parties.find((p) => p.registeredKey === key);
    if (party === undefined) return undefined;
    const secret = this.#keystore.stacksSecretKey();
    try {
      return this.ctx.relay(inboxOf('coordinator', party.id), secret);
    } finally {
      secret.fill(0);
    }
  }

  /** Re-reads the keystore: our signer rotated the operator's messaging key. */
  async #reloadKeystore(): Promise<boolean> {
    const next = await Keystore.open(this.#keystore.path, this.#opts.password);
    if (next.publicInfo().identityKey === this.messagingKey) return false;
    this.#keystore = next;
    this.#relay = undefined;
    this.#host?.replaceRelay(this.#relayClient());
    this.#log.info({ messagingKey: this.messagingKey }, 'messaging key reloaded from the keystore');
    return true;
  }

  async #stopHost(why: string): Promise<void> {
    this.#log.info({ epoch: this.#epoch, why }, 'stopping the coordinator machine');
    await this.#host?.stop();
    this.#store?.close();
    this.#host = undefined;
    this.#store = undefined;
    this.#epoch = undefined;
  }

  async #startHost(epoch: string, partyId: number, federation: FederationConfig): Promise<void> {
    // The keys of the epoch we leave: peg-outs of UTXOs locked under them aggregate under them.
    const left = this.#host;
    if (left) await this.#stopHost(`new epoch ${epoch}`);
    const leaving = left?.state;
    this.#relay = undefined;
    const initial = () =>
      initialCoordinatorState({
        id: partyId,
        federation,
        maxDkgAttempts: this.#opts.config.dkg.maxAttempts,
        maxNonceTimeouts: this.#opts.config.dkg.maxNonceTimeouts,
      });
    const stateKey = this.#keystore.stateKey();
    let store: StateStore;
    try {
      store = openCoordinatorStore({
        dir: this.ctx.path(this.ctx.config.dataDir),
        epoch,
        stateKey,
        initial,
        ...(leaving !== undefined ? { leaving } : {}),
        logger: this.#log,
      });
    } finally {
      stateKey.fill(0);
    }
    const host = new MachineHost<CoordinatorState, CoordinatorInput, CoordinatorReport>({
      step: coordinatorStep,
      initial,
      store,
      relay: this.#relayClient(),
      partyId,
      messagingKey: () => this.#keystore.identitySecretKey(),
      open: (bytes) => this.watch.directory.openMessage(bytes),
      onRefused: async (failure, bytes) => {
        if (failure.code === 'unexpected-kind' && failure.kind === 'key-announcement')
          // Not awaited: accepting it re-plans the machine (a `messaging-keys` input), which
          // queues behind the input being handled now.
          void this.watch
            .applyAnnouncement(bytes)
            .catch((err) => this.#log.warn({ err: String(err) }, 'announcement not applied'));
      },
      onEnvelope: (e) => this.#onEnvelope(e),
      chainTip: () => this.tip,
      onReport: (r) => this.#onReport(r),
      logger: this.#log,
      ...(this.#opts.waitMs !== undefined ? { waitMs: this.#opts.waitMs } : {}),
    });
    await host.start();
    this.#host = host;
    this.#store = store;
    this.#epoch = epoch;
    this.#federation = host.state.config.federation;
    if (JSON.stringify(federation) !== JSON.stringify(this.#federation)) {
      this.#federation = federation;
      await host.push({ type: 'messaging-keys', federation });
    }
    this.#log.info({ epoch, partyId }, 'coordinator machine started');
    if (this.tip)
      await host.push({ type: 'chain-tip', tip: this.tip.hash, height: this.tip.height });
    this.#tasks.push(this.#consume(host));
  }

  /**
   * Consumes the relay; a refused key (our signer rotated it) reloads the keystore. A refusal of
   * the key we already hold is retried for a minute: the relay may not have taken the announcement
   * of a key rotated a moment ago (a coordinator that stopped here went deaf for good).
   */
  async #consume(host: MachineHost<CoordinatorState, CoordinatorInput, CoordinatorReport>) {
    // Refusals less than 10 s apart are one episode; an episode longer than a minute is final.
    let episode = 0;
    let last = 0;
    while (!this.#stop.signal.aborted && this.#host === host) {
      try {
        await host.run();
        return;
      } catch (err) {
        if (err instanceof RelayClientError && err.status === 401) {
          if (await this.#reloadKeystore()) continue;
          const now = Date.now();
          if (now - last > 10_000) {
            episode = now;
            this.#log.warn({ err: String(err) }, 'the relay refuses our key; retrying');
          }
          last = now;
          if (now - episode < 60_000) {
            await sleep(1_000, this.#stop.signal);
            continue;
          }
        }
        this.#log.error({ err: String(err) }, 'relay consumer stopped');
        return;
      }
    }
  }

  #onEnvelope(e: WireEnvelope): 'machine' | 'handled' {
    if (e.kind === 'stacks-cosign-response') {
      const outcome = this.#collector?.add(
        e.sender.partyId,
        (e as WireEnvelopeOf<'stacks-cosign-response'>).payload,
      );
      if (outcome) this.#log.info({ from: e.sender.partyId, outcome }, 'co-signing answer');
      return 'handled';
    }
    if (e.kind === 'stacks-cosign-request') return 'handled';
    if (e.kind === 'signer-ready') {
      const keyIds = (e.payload as { keyIds: number[] }).keyIds;
      const fed = this.#federation;
      const before = fed === undefined ? 0 : this.#readyParties(fed).length;
      this.#ready.set(e.sender.partyId, { keyIds, publicKey: e.sender.publicKey });
      const ready = fed === undefined ? [] : this.#readyParties(fed);
      if (ready.length > before) {
        this.#log.info({ party: e.sender.partyId, ready: ready.map((p) => p.id) }, 'signer ready');
        this.#evaluate();
      }
      return 'handled';
    }
    return 'machine';
  }

  /** The parties of `federation` whose last `signer-ready` was for their place in it. */
  #readyParties(federation: FederationConfig): FederationConfig['parties'] {
    return federation.parties.filter((p) => {
      const r = this.#ready.get(p.id);
      return r !== undefined && r.publicKey === p.publicKey && r.keyIds.join() === p.keyIds.join();
    });
  }

  // ---- reports and rounds ----

  #record(r: Pick<RoundRecord, 'kind' | 'id' | 'dkgId' | 'attempts'>): RoundRecord {
    const record: RoundRecord = {
      ...r,
      startedAt: Date.now(),
      endedAt: null,
      outcome: 'running',
      detail: null,
      participants: [],
      excluded: {},
      report: null,
    };
    this.rounds.push(record);
    if (this.rounds.length > MAX_ROUNDS) this.rounds.shift();
    return record;
  }

  /** A round we stopped driving because another coordinator became active. */
  #finishHandedOver(record: RoundRecord, active: number | null): void {
    record.endedAt = Date.now();
    record.outcome = 'failed';
    record.detail = `handed over: party ${active ?? 'unknown'} is the active coordinator`;
  }

  #finish(record: RoundRecord, r: CoordinatorReport): void {
    record.endedAt = Date.now();
    record.report = r;
    if (r.kind === 'signature' || r.kind === 'dkg-complete') {
      record.outcome = 'succeeded';
      record.attempts = r.attempts;
      record.excluded = { ...r.excluded };
    } else if (r.kind === 'insufficient-signers') {
      record.outcome = 'failed';
      record.detail = 'insufficient-signers';
      record.attempts = r.attempts;
      record.excluded = { ...r.excluded };
    } else if (r.kind === 'dkg-failed') {
      record.outcome = 'failed';
      record.detail = 'dkg-failed';
      record.excluded = { ...r.culprits };
    }
    if (r.kind === 'dkg-complete' || r.kind === 'dkg-failed') record.id = r.dkgId;
    if (r.kind === 'signature' || r.kind === 'insufficient-signers') record.id = r.signId;
    const parties = this.#federation?.parties.map((p) => p.id) ?? [];
    record.participants = parties.filter((id) => !(String(id) in record.excluded));
  }

  #onReport(report: CoordinatorReport): void {
    const at = Date.now();
    if (report.kind === 'dkg-complete' || report.kind === 'dkg-failed') {
      const open = [...this.rounds]
        .reverse()
        .find((r) => r.kind === 'dkg' && r.outcome === 'running');
      this.#finish(
        open ?? this.#record({ kind: 'dkg', id: report.dkgId, dkgId: null, attempts: 1 }),
        report,
      );
      if (report.kind === 'dkg-failed') this.#dkgRetryAt = at + this.#opts.config.dkg.retryAfterMs;
    }
    const level =
      report.kind === 'ignored' ? 'debug' : report.kind.includes('fail') ? 'warn' : 'info';
    this.#log[level](
      { report: report.kind === 'dkg-complete' ? { ...report, pub: undefined } : report },
      `coordinator ${report.kind}`,
    );
    for (const w of [...this.#waiters]) w(report);
    for (const l of this.#listeners) l({ at, report });
    if (report.kind !== 'ignored') this.#evaluate();
  }
}

/**
 * The coordinator's state store of `epoch` (`coordinator-<epoch>.sqlite` in `dir`), its state
 * seeded with (or joined by) the keys of the epoch left, or of the latest other epoch file
 * (`openEpochStore`; docs/operations.md "Keys across epochs").
 */
export function openCoordinatorStore(o: {
  dir: string;
  epoch: string;
  stateKey: Uint8Array;
  initial: () => CoordinatorState;
  leaving?: CoordinatorState;
  logger: HostLogger;
}): StateStore {
  return openEpochStore({
    dir: o.dir,
    role: 'coordinator',
    epoch: o.epoch,
    stateKey: o.stateKey,
    initial: o.initial,
    ...(o.leaving !== undefined ? { leaving: o.leaving } : {}),
    keysOf: coordinatorCarriedKeys,
    carry: withCarriedCoordinatorKeys,
    logger: o.logger,
  });
}
