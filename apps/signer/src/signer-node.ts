/**
 * The signer process: the signer machine in a `MachineHost`, fed by the relay, the Bitcoin tip
 * and the registry. Start-up follows the production signer's order: configuration (file, then
 * the registry), register the Stacks key if needed, announce the messaging key, then the event
 * loop. A change of the registry's layout (parties, weights, keys) is a new epoch: a new machine
 * on its own state file (the old one keeps the old key's shares), which starts with the verified
 * keys of the epoch left (`openSignerStore`); a messaging-key change inside an epoch is a
 * `messaging-keys` input.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type FederationConfig,
  initialSignerState,
  type SignerInput,
  type SignerReport,
  type SignerState,
  signerCarriedKeys,
  signerStep,
  type WireEnvelope,
  type WireEnvelopeOf,
  withCarriedSignerKeys,
} from '@peg/protocol';
import {
  type BitcoinTip,
  type FederationChange,
  FederationWatch,
  type HostLogger,
  inboxOf,
  Keystore,
  MachineHost,
  nextAnnouncementSequence,
  type OperatorContext,
  openEpochStore,
  type RelayClient,
  type StateStore,
  SweepScanner,
  sealAnnouncement,
  timeoutsOf,
  watchBitcoinTip,
} from '@peg/runtime';
import { canonicalJson, type ReviewReceipt, signerPolicyFile } from '@peg/wire';
import { answerCosign } from './cosign-handler.ts';
import { DecisionStore, type Review, type SweepDecision } from './peg-out/decision-store.ts';
import { SignerPolicy } from './peg-out/policy-port.ts';
import type { SweepCheckDeps } from './peg-out/sweep-check.ts';
import { type CompiledPolicy, compilePolicy } from './policy/engine.ts';
import { ensureRegistered } from './registration.ts';

/** A report with the time it was made, for the API's recent history. */
export type TimedReport = { at: number; report: SignerReport };

export type SignerNodeOptions = {
  ctx: OperatorContext;
  logger: HostLogger;
  /** The keystore password (kept for `rotateMessagingKey`). */
  password: Uint8Array;
  /** Long-poll wait of the relay (ms). */
  waitMs?: number;
  /** The operator's peg-out policy (default: `{version: 1}`, the built-in checks only). */
  policy?: CompiledPolicy;
};

const MAX_RECENT = 200;

/** One running signer. */
export class SignerNode {
  readonly ctx: OperatorContext;
  readonly watch: FederationWatch;
  readonly #opts: SignerNodeOptions;
  readonly #log: HostLogger;
  readonly #stop = new AbortController();
  readonly #listeners = new Set<(e: TimedReport) => void>();
  #keystore: Keystore;
  #relay: RelayClient | undefined;
  #host: MachineHost<SignerState, SignerInput, SignerReport> | undefined;
  #store: StateStore | undefined;
  #epoch: string | undefined;
  #federation: FederationConfig | undefined;
  #tasks: Promise<unknown>[] = [];
  #announcing: Promise<void> | undefined;
  /** The Bitcoin tip as last read. */
  tip: BitcoinTip | undefined;
  bitcoinOkAt: number | undefined;
  /** Recent reports, newest last. */
  readonly recent: TimedReport[] = [];
  partyId: number | undefined;
  /** Peg-out decisions (opened at start) and the policy port the machine asks. */
  decisions: DecisionStore | undefined;
  policy: CompiledPolicy;
  #pegOut: SweepCheckDeps;
  #policyPort: SignerPolicy | undefined;
  readonly #decisionListeners = new Set<(d: SweepDecision) => void>();
  readonly #reviewListeners = new Set<(r: Review) => void>();

  constructor(opts: SignerNodeOptions) {
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
    this.policy = opts.policy ?? compilePolicy(signerPolicyFile.parse({ version: 1 }));
    this.#pegOut = {
      bitcoin: this.ctx.bitcoin,
      stacks: this.ctx.stacks,
      scanner: new SweepScanner(this.ctx.bitcoin),
      config: this.ctx.config.pegOut,
    };
  }

  /** Reviews as they open and are decided (the API's event stream). */
  onReview(listener: (r: Review) => void): () => void {
    this.#reviewListeners.add(listener);
    return () => this.#reviewListeners.delete(listener);
  }

  /**
   * The operator's decision on a pending review, recorded with an audit line and answered with a
   * receipt signed by this signer's messaging key; undefined when no review of `id` is pending
   * (unknown, decided, or past its deadline: decisions are final).
   */
  decideReview(
    id: bigint,
    decision: 'accept' | 'reject',
    reason: string | null,
  ): { review: Review; receipt: ReviewReceipt } | undefined {
    const decisions = this.decisions;
    if (decisions === undefined) return undefined;
    const now = Date.now();
    decisions.expireReviews(now, (r) => this.#emitReview(r));
    let receipt: ReviewReceipt | undefined;
    const decided = decisions.decideReview(id, {
      decision,
      by: 'operator',
      reason,
      at: now,
      receipt: (review) => {
        receipt = this.#receipt(review);
        return JSON.stringify(receipt);
      },
    });
    if (decided === undefined || receipt === undefined) return undefined;
    this.#emitReview(decided.review);
    this.#log.info({ requestId: String(id), decision, reason }, 'review decided by the operator');
    return { review: decided.review, receipt };
  }

  #receipt(review: Review): ReviewReceipt {
    const message = canonicalJson({
      signer: this.partyId ?? null,
      requestId: review.requestId,
      decision: review.status === 'accepted' ? 'accept' : 'reject',
      reason: review.reason,
      decidedAt: review.decidedAt,
    })!;
    const secret = this.#keystore.identitySecretKey();
    try {
      return {
        message,
        publicKey: this.messagingKey,
        signature: bytesToHex(schnorr.sign(sha256(utf8ToBytes(message)), secret)),
      };
    } finally {
      secret.fill(0);
    }
  }

  #emitReview(r: Review): void {
    for (const l of this.#reviewListeners) l(r);
  }

  /** Peg-out decisions as they are made (the API's event stream). */
  onDecision(listener: (d: SweepDecision) => void): () => void {
    this.#decisionListeners.add(listener);
    return () => this.#decisionListeners.delete(listener);
  }

  /** The machine state of the current epoch, if it runs. */
  get state(): SignerState | undefined {
    return this.#host?.state;
  }

  get host(): MachineHost<SignerState, SignerInput, SignerReport> | undefined {
    return this.#host;
  }

  /** The messaging (identity) key, x-only hex. */
  get messagingKey(): string {
    return this.#keystore.publicInfo().identityKey;
  }

  /** Live reports (the API's event stream). */
  subscribe(listener: (e: TimedReport) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers if needed, then follows the chains and the relay until `stop()`. */
  async start(): Promise<void> {
    const signal = this.#stop.signal;
    const dataDir = this.ctx.path(this.ctx.config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const decisions = new DecisionStore(join(dataDir, 'signer-records.sqlite'));
    this.decisions = decisions;
    this.#policyPort = new SignerPolicy({
      ...this.#pegOut,
      network: this.ctx.config.network,
      decisions,
      policy: () => this.policy,
      state: () => this.state,
      view: () => this.watch.view,
      tipHeight: () => this.tip?.height,
      onDecision: (d) => {
        for (const l of this.#decisionListeners) l(d);
      },
      onReview: (r) => this.#emitReview(r),
      logger: this.#log,
    });
    // A review nobody decided in time is rejected at its deadline, not at the next sweep.
    const expiry = setInterval(
      () => decisions.expireReviews(Date.now(), (r) => this.#emitReview(r)),
      1_000,
    );
    expiry.unref();
    signal.addEventListener('abort', () => clearInterval(expiry), { once: true });
    await ensureRegistered(this.ctx, this.#log, signal);
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
    this.watch.onChange((c) =>
      this.#reconcile(c).catch((err) =>
        this.#log.error({ err: String(err) }, 'following the registry failed; retried next block'),
      ),
    );
    this.#tasks.push(this.watch.run(signal));
  }

  /** Stops every loop and closes the state store. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#host?.stop();
    await Promise.allSettled(this.#tasks);
    await this.#announcing?.catch(() => {});
    this.decisions?.close();
    this.decisions = undefined;
    this.#store?.close();
    this.#store = undefined;
    this.#host = undefined;
  }

  /**
   * A new messaging key: rotated in the keystore file (atomically), announced with a higher
   * sequence, and used from now on; the relay and every peer refuse the old one from then on.
   */
  async rotateMessagingKey(): Promise<{ messagingKey: string }> {
    const next = await Keystore.rotateIdentity(this.#keystore.path, this.#opts.password);
    this.#keystore = next;
    this.#relay = undefined;
    await this.#announce(true);
    if (this.#host) this.#host.replaceRelay(this.#relayClient());
    return { messagingKey: this.messagingKey };
  }

  // ---- chain inputs ----

  async #onTip(tip: BitcoinTip): Promise<void> {
    this.tip = tip;
    await this.#host?.push({ type: 'chain-tip', tip: tip.hash, height: tip.height });
  }

  /** Follows the registry: our party, our announcement, the epoch's machine. */
  async #reconcile(c: FederationChange): Promise<void> {
    const key = this.ctx.info.stacksPublicKey;
    const party = this.watch.directory.parties.find((p) => p.registeredKey === key);
    this.partyId = party?.id;
    if (party === undefined) {
      if (this.#host) await this.#stopHost('no longer a party of the registry');
      return;
    }
    if (this.watch.directory.messagingKey(party.id) !== this.messagingKey) void this.#announce();
    if (!c.config.ok || c.epoch === undefined) {
      this.#log.info(
        { reason: c.config.ok ? 'no epoch' : c.config.reason },
        'federation not ready',
      );
      return;
    }
    const federation = c.config.config;
    if (c.epoch !== this.#epoch) {
      await this.#startHost(c.epoch, party.id, federation);
    } else if (this.#host && JSON.stringify(federation) !== JSON.stringify(this.#federation)) {
      this.#federation = federation;
      await this.#host.push({ type: 'messaging-keys', federation });
    }
  }

  /** Posts our announcement (once at a time; `force` for a rotation). */
  #announce(force = false): Promise<void> {
    if (this.#announcing && !force) return this.#announcing;
    const run = async () => {
      const party = this.partyId;
      const tip = this.tip;
      if (party === undefined) return;
      if (tip === undefined) throw new Error('no Bitcoin tip read yet');
      const stacksSecret = this.#keystore.stacksSecretKey();
      const messagingSecret = this.#keystore.identitySecretKey();
      try {
        const last = this.watch.directory.announcement(party)?.sequence;
        const bytes = sealAnnouncement({
          partyId: party,
          sequence: nextAnnouncementSequence(Date.now(), last),
          stacksSecretKey: stacksSecret,
          messagingSecretKey: messagingSecret,
          chainTip: tip,
        });
        // Posted under the registered key: the relay may not know the messaging key yet.
        await this.ctx
          .relay(inboxOf('signer', party), stacksSecret)
          .post('all', bytes, { signal: this.#stop.signal });
        await this.watch.applyAnnouncement(bytes);
        this.#log.info({ party, messagingKey: this.messagingKey }, 'messaging key announced');
      } finally {
        stacksSecret.fill(0);
        messagingSecret.fill(0);
      }
    };
    const p = run()
      .catch((err) => {
        this.#log.warn({ err: String(err) }, 'announcement failed; retried in 1 s');
        // Nothing else may come to trigger it (blocks can be rare): retry on a timer.
        const t = setTimeout(() => {
          if (!this.#stop.signal.aborted) void this.#announce();
        }, 1_000);
        t.unref();
      })
      .finally(() => {
        if (this.#announcing === p) this.#announcing = undefined;
      });
    this.#announcing = p;
    return p;
  }

  // ---- the epoch's machine ----

  /** The relay client of our inbox under the messaging key (rebuilt when the party id moves). */
  #relayClient(): RelayClient {
    const member = inboxOf('signer', this.partyId ?? 0);
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
      return this.ctx.relay(inboxOf('signer', party.id), secret);
    } finally {
      secret.fill(0);
    }
  }

  async #stopHost(why: string): Promise<void> {
    this.#log.info({ epoch: this.#epoch, why }, 'stopping the signer machine');
    await this.#host?.stop();
    this.#store?.close();
    this.#host = undefined;
    this.#store = undefined;
    this.#epoch = undefined;
  }

  async #startHost(epoch: string, partyId: number, federation: FederationConfig): Promise<void> {
    // The keys of the epoch we leave go on signing for the UTXOs locked under them.
    const left = this.#host;
    if (left) await this.#stopHost(`new epoch ${epoch}`);
    const leaving = left?.state;
    this.#relay = undefined;
    const stateKey = this.#keystore.stateKey();
    let store: StateStore;
    try {
      store = openSignerStore({
        dir: this.ctx.path(this.ctx.config.dataDir),
        epoch,
        stateKey,
        partyId,
        federation,
        ...(leaving !== undefined ? { leaving } : {}),
        logger: this.#log,
      });
    } finally {
      stateKey.fill(0);
    }
    const host = new MachineHost<SignerState, SignerInput, SignerReport>({
      step: signerStep,
      initial: () => initialSignerState({ id: partyId, federation }),
      store,
      relay: this.#relayClient(),
      partyId,
      messagingKey: () => this.#keystore.identitySecretKey(),
      open: (bytes) => this.watch.directory.openMessage(bytes),
      onRefused: async (failure, bytes) => {
        if (failure.code === 'unexpected-kind' && failure.kind === 'key-announcement') {
          // Not awaited: accepting it re-plans the machine (a `messaging-keys` input), which
          // queues behind the input being handled now.
          void this.watch
            .applyAnnouncement(bytes)
            .catch((err) => this.#log.warn({ err: String(err) }, 'announcement not applied'));
        }
      },
      onEnvelope: (e) => this.#onEnvelope(e),
      chainTip: () => this.tip,
      onReport: (r) => this.#onReport(r),
      policy: this.#policyPort!,
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
    this.#log.info(
      { epoch, partyId, keyIds: federation.parties.find((p) => p.id === partyId)?.keyIds },
      'signer machine started',
    );
    if (this.tip)
      await host.push({ type: 'chain-tip', tip: this.tip.hash, height: this.tip.height });
    this.#tasks.push(
      host.run().catch((err) => this.#log.error({ err: String(err) }, 'relay consumer stopped')),
    );
    const keyIds = federation.parties.find((p) => p.id === partyId)?.keyIds ?? [];
    await host
      .send({ kind: 'broadcast' }, { kind: 'signer-ready', payload: { keyIds } } as never)
      .catch((err) => this.#log.warn({ err: String(err) }, 'signer-ready not sent'));
  }

  async #onEnvelope(e: WireEnvelope): Promise<'machine' | 'handled'> {
    // Readiness is the coordinators' business; a signer's own machine does not use it.
    if (e.kind === 'signer-ready' || e.kind === 'stacks-cosign-response') return 'handled';
    if (e.kind === 'stacks-cosign-request') {
      const host = this.#host;
      if (host === undefined) return 'handled';
      const payload = await answerCosign(
        e as WireEnvelopeOf<'stacks-cosign-request'>,
        this.ctx,
        host.state,
        this.watch.view,
        this.watch.directory,
        {
          ...this.#pegOut,
          decisions: this.decisions,
          judge: (r) => this.#policyPort?.judgeRequest(r) ?? Promise.resolve('not-ready'),
        },
        this.#log,
      );
      await host.send({ kind: 'coordinator', id: e.sender.partyId }, {
        kind: 'stacks-cosign-response',
        payload,
      } as never);
      return 'handled';
    }
    return 'machine';
  }

  #onReport(report: SignerReport): void {
    const e = { at: Date.now(), report };
    this.recent.push(e);
    if (this.recent.length > MAX_RECENT) this.recent.shift();
    const level = report.kind === 'refused' ? 'warn' : 'info';
    this.#log[level]({ report }, `signer ${report.kind}`);
    for (const l of this.#listeners) l(e);
  }
}

/**
 * The signer's state store of `epoch` (`signer-<epoch>.sqlite` in `dir`), its state seeded with (or,
 * for a layout that came back, joined by) the verified keys and shares of the epoch left, or of the
 * latest other epoch file (`openEpochStore`; docs/operations.md "Keys across epochs").
 */
export function openSignerStore(o: {
  dir: string;
  epoch: string;
  stateKey: Uint8Array;
  partyId: number;
  federation: FederationConfig;
  leaving?: SignerState;
  logger: HostLogger;
}): StateStore {
  return openEpochStore({
    dir: o.dir,
    role: 'signer',
    epoch: o.epoch,
    stateKey: o.stateKey,
    initial: () => initialSignerState({ id: o.partyId, federation: o.federation }),
    ...(o.leaving !== undefined ? { leaving: o.leaving } : {}),
    keysOf: signerCarriedKeys,
    carry: withCarriedSignerKeys,
    logger: o.logger,
  });
}
