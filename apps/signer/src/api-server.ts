/**
 * The Signer API of a running signer: `buildSignerApi` (api/) fed from the `SignerNode`, on the
 * configured interface (loopback by default), its address recorded in the data folder for the
 * CLI. Status, rounds and events are what this signer itself saw.
 */
import { readFile } from 'node:fs/promises';
import { activeOf, outputKey, type SignerReport, taprootAddress } from '@peg/protocol';
import {
  ApiHttpError,
  createMetricsRegistry,
  EventHub,
  forgetApiEndpoint,
  type HostLogger,
  type Logger,
  listenApi,
  recordApiEndpoint,
  relayMessagesGauge,
} from '@peg/runtime';
import type {
  DkgRoundSummary,
  FederationKey,
  SignerEvent,
  SignerKeyPackage,
  SignerStatus,
  SigningRoundSummary,
} from '@peg/wire';
import { Counter, Gauge } from 'prom-client';
import { buildSignerApi } from './api/app.ts';
import { resetBreaker } from './policy/breaker.ts';
import type { SignerNode, TimedReport } from './signer-node.ts';

export const VERSION = '0.1.0';

/** A URL without its credentials (status never shows them). */
const publicUrl = (u: string) => {
  const url = new URL(u);
  url.username = '';
  url.password = '';
  return url.toString();
};

/** The federation key a signer verified, as the APIs show it. */
export function federationKeyOf(node: SignerNode): FederationKey | null {
  const key = node.state?.current;
  if (key?.status !== 'verified') return null;
  const q = outputKey(key.pub.groupKey, { type: 'taproot', merkleRoot: null });
  return {
    dkgId: key.dkgId,
    aggregateKey: key.pub.groupKey,
    outputKey: q,
    address: taprootAddress(q, node.ctx.config.network),
    threshold: key.pub.layout.threshold,
    totalKeyIds: key.pub.layout.parties.reduce((n, p) => n + p.keyIds.length, 0),
  };
}

/** One report as a round summary (what this signer saw of it: its own part). */
function roundOf(e: TimedReport, partyId: number) {
  const r = e.report;
  const ended = { startedAt: e.at, endedAt: e.at, durationMs: 0, attempts: 1 };
  if (r.kind === 'dkg-ended')
    return {
      dkg: {
        dkgId: r.dkgId,
        outcome: r.success ? 'succeeded' : 'failed',
        detail: null,
        ...ended,
        participants: [partyId],
        excluded: [],
        blamed: [],
        aggregateKey: null,
      } satisfies DkgRoundSummary,
    };
  if (r.kind === 'share-sent')
    return {
      signing: {
        signId: r.signId,
        // The key the share was for: the current one or a retained earlier one.
        dkgId: r.dkgId,
        outcome: 'succeeded',
        detail: null,
        ...ended,
        attempts: r.iteration + 1,
        participants: [partyId],
        excluded: [],
        blamed: [],
        messages: 0,
        withdrawalRequestIds: [],
      } satisfies SigningRoundSummary,
    };
  return {};
}

function rounds(node: SignerNode, limit: number) {
  const dkg: DkgRoundSummary[] = [];
  const signing: SigningRoundSummary[] = [];
  const party = node.partyId ?? 1;
  for (const e of [...node.recent].reverse()) {
    const r = roundOf(e, party);
    if (r.dkg && dkg.length < limit) dkg.push(r.dkg);
    if (r.signing && signing.length < limit) signing.push(r.signing);
  }
  return { dkg, signing };
}

function status(node: SignerNode): SignerStatus {
  const s = node.state;
  const party = s?.config.federation.parties.find((p) => p.id === s.config.id);
  if (s === undefined || party === undefined || node.partyId === undefined)
    throw new ApiHttpError(503, 'unavailable', 'not a party of a ready federation yet');
  const now = Date.now();
  const fresh = (at: number | undefined, ms: number) => at !== undefined && now - at < ms;
  const view = node.watch.view;
  const last = rounds(node, 1);
  return {
    version: VERSION,
    partyId: node.partyId,
    keyIds: party.keyIds,
    messagingKey: node.messagingKey,
    stacksKey: node.ctx.info.stacksPublicKey,
    key: federationKeyOf(node),
    activeCoordinator: activeOf(s.view, s.config.federation.parties),
    relay: {
      url: publicUrl(node.ctx.config.relay.url),
      connected: fresh(node.host?.relayOkAt, 60_000),
      lastOkAt: node.host?.relayOkAt ?? null,
    },
    bitcoin: {
      url: publicUrl(node.ctx.config.bitcoin.rpcUrl),
      connected: fresh(node.bitcoinOkAt, node.ctx.config.bitcoin.pollMs * 4 + 10_000),
      tip: node.tip ? { height: node.tip.height, hash: node.tip.hash } : null,
      lastOkAt: node.bitcoinOkAt ?? null,
    },
    stacks: {
      url: publicUrl(node.ctx.config.stacks.nodeUrl),
      connected: fresh(node.watch.stacksOkAt, node.ctx.config.stacks.pollMs * 4 + 10_000),
      tip: view ? { height: view.stacksHeight, hash: view.stacksTip.replace(/^0x/, '') } : null,
      lastOkAt: node.watch.stacksOkAt ?? null,
    },
    lastRounds: { dkg: last.dkg[0] ?? null, signing: last.signing[0] ?? null },
    pendingReviews: node.decisions?.pendingReviews() ?? 0,
  };
}

/** The SSE events of one report. */
function eventsOf(node: SignerNode, e: TimedReport): SignerEvent[] {
  const r: SignerReport = e.report;
  switch (r.kind) {
    case 'refused':
      return [
        {
          type: 'refused',
          reason: r.reason,
          ...(r.signId !== undefined && r.signId >= 1 ? { signId: r.signId } : {}),
          ...(r.iteration !== undefined && r.iteration >= 1 ? { iteration: r.iteration } : {}),
          ...(r.from !== undefined ? { from: r.from } : {}),
          ...(r.detail !== undefined ? { detail: r.detail.slice(0, 280) } : {}),
        },
      ];
    case 'coordinator-changed':
      return [{ type: 'coordinator', active: r.active }];
    case 'key-verified': {
      const key = federationKeyOf(node);
      return key ? [{ type: 'key', key }] : [];
    }
    default: {
      const round = roundOf(e, node.partyId ?? 1);
      if (round.dkg) return [{ type: 'dkg-round', round: round.dkg }];
      if (round.signing) return [{ type: 'signing-round', round: round.signing }];
      return [];
    }
  }
}

/** Builds, listens and records the Signer API; `close()` stops it. */
export async function startSignerApi(
  node: SignerNode,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const { config } = node.ctx;
  const token = (await readFile(node.ctx.path(config.api.tokenFile), 'utf8')).trim();
  const metrics = createMetricsRegistry();
  const events = new EventHub<SignerEvent>((err) =>
    (logger as HostLogger).warn({ err: String(err) }, 'event listener failed'),
  );
  const reports = new Counter({
    name: 'peg_signer_reports_total',
    help: 'Signer machine reports, by kind and refusal reason',
    labelNames: ['kind', 'reason'],
    registers: [metrics],
  });
  new Gauge({
    name: 'peg_signer_key_verified',
    help: '1 when this signer holds a verified federation key',
    registers: [metrics],
    collect() {
      this.set(federationKeyOf(node) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'peg_signer_relay_refused_total',
    help: 'Envelopes refused at open (bad signature, unknown sender, malformed)',
    registers: [metrics],
    collect() {
      this.set(node.host?.counters.refused ?? 0);
    },
  });
  relayMessagesGauge(metrics, 'peg_signer', () => node.host?.counters);
  new Gauge({
    name: 'peg_signer_machine_restarts_total',
    help: 'Times the signer machine was restarted from its store after a failed effect',
    registers: [metrics],
    collect() {
      this.set(node.host?.counters.restarts ?? 0);
    },
  });
  node.subscribe((e) => {
    reports.inc({
      kind: e.report.kind,
      reason: e.report.kind === 'refused' ? e.report.reason : '',
    });
    for (const ev of eventsOf(node, e)) events.emit(ev);
  });
  const decided = new Counter({
    name: 'peg_signer_sweep_decisions_total',
    help: 'Sweeps this signer was asked to sign, by outcome and refusal reason',
    labelNames: ['approved', 'reason'],
    registers: [metrics],
  });
  node.onReview((review) => events.emit({ type: 'review', review }));
  node.onDecision((decision) => {
    decided.inc({ approved: String(decision.approved), reason: decision.reason ?? '' });
    events.emit({ type: 'sweep-decision', decision });
  });
  const app = await buildSignerApi({
    status: () => status(node),
    rounds: (q) => rounds(node, q.limit),
    resetBreaker: () => {
      const was = node.decisions?.breaker() ?? { tripped: false };
      node.decisions?.setBreaker(resetBreaker());
      if (was.tripped) logger.warn({ was }, 'circuit breaker reset by the operator');
      return node.decisions?.breaker() ?? { tripped: false };
    },
    withdrawals: (q) => {
      node.decisions?.expireReviews(Date.now());
      const items =
        node.decisions?.reviews({
          limit: q.limit + 1,
          ...(q.status ? { status: q.status } : {}),
          ...(q.after !== undefined ? { after: q.after } : {}),
        }) ?? [];
      const page = items.slice(0, q.limit);
      return {
        items: page,
        next: items.length > q.limit ? (page.at(-1)?.requestId ?? null) : null,
      };
    },
    decideReview: (requestId, body) => {
      const id = BigInt(requestId);
      const known = node.decisions?.review(id);
      if (known === undefined)
        throw new ApiHttpError(
          404,
          'not-found',
          `request ${requestId} is not held for review here`,
        );
      const decided = node.decideReview(id, body.decision, body.reason ?? null);
      if (decided === undefined) {
        const now = node.decisions?.review(id);
        throw new ApiHttpError(
          409,
          'conflict',
          `request ${requestId} was decided already (${now?.status} by ${now?.decidedBy})`,
        );
      }
      return decided;
    },
    decisions: (q) => ({
      decisions: node.decisions?.decisions(q.limit) ?? [],
      breaker: node.decisions?.breaker() ?? { tripped: false },
    }),
    keyPackage: (): SignerKeyPackage | null => {
      const key = node.state?.current;
      return key && key.status === 'verified' ? { dkgId: key.dkgId, pub: key.pub } : null;
    },
    rotateMessagingKey: () => node.rotateMessagingKey(),
    events,
    metrics,
    operatorToken: token,
    ready: () =>
      node.state === undefined
        ? { ready: false, reason: 'the federation is not ready (registration or announcements)' }
        : { ready: true },
    version: VERSION,
    logger: logger.child({ component: 'api' }),
  });
  const address = await listenApi(app, { host: config.api.host, port: config.api.port });
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const dataDir = node.ctx.path(config.dataDir);
  await recordApiEndpoint(dataDir, 'signer', url);
  logger.info({ url }, 'Signer API listening');
  return {
    url,
    close: async () => {
      await forgetApiEndpoint(dataDir, 'signer');
      await app.close();
    },
  };
}
