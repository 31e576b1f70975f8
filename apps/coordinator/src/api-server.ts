/**
 * The Coordinator API of a running coordinator: `buildCoordinatorApi` (api/) fed from the
 * `CoordinatorNode`, on the configured interface (loopback by default), its address recorded in
 * the data folder for the CLI.
 */
import { readFile } from 'node:fs/promises';
import { hexToBytes } from '@noble/hashes/utils.js';
import { outputKey, taprootAddress } from '@peg/protocol';
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
  CoordinatorEvent,
  CoordinatorStatus,
  DkgRoundSummary,
  FederationKey,
  ProbeResponse,
  SigningRoundSummary,
} from '@peg/wire';
import { Counter, Gauge, Histogram } from 'prom-client';
import { buildCoordinatorApi } from './api/app.ts';
import { type CoordinatorNode, NotActiveError, type RoundRecord } from './coordinator-node.ts';

export const VERSION = '0.1.0';

const publicUrl = (u: string) => {
  const url = new URL(u);
  url.username = '';
  url.password = '';
  return url.toString();
};

function federationKeyOf(node: CoordinatorNode): FederationKey | null {
  const key = node.state?.key;
  if (!key) return null;
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

const reasons = (r: Record<string, string>) =>
  Object.entries(r).map(([id, reason]) => ({ partyId: Number(id), reason }));
/** Exclusion reasons that prove misbehaviour (the rest are silence). */
const blamedOf = (r: Record<string, string>) =>
  reasons(r).filter((x) => !x.reason.startsWith('silent'));

function summaryOf(
  r: RoundRecord,
): { dkg: DkgRoundSummary } | { signing: SigningRoundSummary } | undefined {
  const timing = {
    outcome: r.outcome,
    detail: r.detail,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.endedAt === null ? null : Math.max(0, r.endedAt - r.startedAt),
    attempts: Math.max(1, r.attempts),
    participants: r.participants,
    excluded: reasons(r.excluded),
    blamed: blamedOf(r.excluded),
  };
  if (r.kind === 'dkg')
    return {
      dkg: {
        dkgId: r.id ?? 1,
        ...timing,
        aggregateKey: r.report?.kind === 'dkg-complete' ? r.report.groupKey : null,
      },
    };
  if (r.id === null && r.outcome !== 'running') return undefined;
  const report = r.report;
  return {
    signing: {
      signId: r.id ?? 1,
      dkgId: r.dkgId ?? 1,
      ...timing,
      messages: report?.kind === 'signature' ? report.messages.length : 1,
      withdrawalRequestIds:
        report?.kind === 'signature' || report?.kind === 'insufficient-signers'
          ? report.withdrawalRequestIds
          : [],
    },
  };
}

function rounds(node: CoordinatorNode, limit: number) {
  const dkg: DkgRoundSummary[] = [];
  const signing: SigningRoundSummary[] = [];
  for (const r of [...node.rounds].reverse()) {
    const s = summaryOf(r);
    if (s && 'dkg' in s && dkg.length < limit) dkg.push(s.dkg);
    if (s && 'signing' in s && signing.length < limit) signing.push(s.signing);
  }
  return { dkg, signing };
}

function status(node: CoordinatorNode): CoordinatorStatus {
  const s = node.state;
  if (s === undefined || node.partyId === undefined)
    throw new ApiHttpError(503, 'unavailable', `not running yet: ${node.lastDecision}`);
  const now = Date.now();
  const fresh = (at: number | undefined, ms: number) => at !== undefined && now - at < ms;
  const view = node.watch.view;
  const last = rounds(node, 1);
  const running = [...node.rounds].reverse().find((r) => r.outcome === 'running');
  const current = running ? summaryOf(running) : undefined;
  const role = node.role();
  return {
    version: VERSION,
    partyId: node.partyId,
    messagingKey: node.messagingKey,
    coordinator: role,
    key: federationKeyOf(node),
    parties: s.config.federation.parties.length,
    currentRound:
      current === undefined
        ? null
        : 'dkg' in current
          ? { kind: 'dkg', round: current.dkg }
          : { kind: 'signing', round: current.signing },
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
  };
}

/** Builds, listens and records the Coordinator API; `close()` stops it. */
export async function startCoordinatorApi(
  node: CoordinatorNode,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const { config } = node.ctx;
  const token = (await readFile(node.ctx.path(config.api.tokenFile), 'utf8')).trim();
  const metrics = createMetricsRegistry();
  const events = new EventHub<CoordinatorEvent>((err) =>
    (logger as HostLogger).warn({ err: String(err) }, 'event listener failed'),
  );
  const reports = new Counter({
    name: 'peg_coordinator_reports_total',
    help: 'Coordinator machine reports, by kind',
    labelNames: ['kind'],
    registers: [metrics],
  });
  relayMessagesGauge(metrics, 'peg_coordinator', () => node.host?.counters);
  const durations = new Histogram({
    name: 'peg_coordinator_round_seconds',
    help: 'Duration of finished rounds, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [metrics],
  });
  new Gauge({
    name: 'peg_coordinator_active',
    help: '1 while this process is the active coordinator',
    registers: [metrics],
    collect() {
      this.set(node.role().self ? 1 : 0);
    },
  });
  new Gauge({
    name: 'peg_coordinator_key_held',
    help: '1 while this coordinator holds the federation key',
    registers: [metrics],
    collect() {
      this.set(node.state?.key ? 1 : 0);
    },
  });
  let lastActive: number | null | undefined;
  node.subscribe(({ report }) => {
    reports.inc({ kind: report.kind });
    const finished = [...node.rounds].reverse().find((r) => r.report === report);
    if (finished?.endedAt) {
      durations.observe(
        { kind: finished.kind, outcome: finished.outcome },
        (finished.endedAt - finished.startedAt) / 1000,
      );
      const s = summaryOf(finished);
      if (s && 'dkg' in s) events.emit({ type: 'dkg-round', round: s.dkg });
      if (s && 'signing' in s) events.emit({ type: 'signing-round', round: s.signing });
    }
    if (report.kind === 'dkg-complete') {
      const key = federationKeyOf(node);
      if (key) events.emit({ type: 'key', key });
    }
    const active = node.role().active;
    if (active !== lastActive) {
      lastActive = active;
      events.emit({ type: 'coordinator', active });
    }
  });
  const app = await buildCoordinatorApi({
    status: () => status(node),
    rounds: (q) => rounds(node, q.limit),
    queue: (q) => ({
      requests:
        node.queue?.requests({ limit: q.limit, ...(q.state ? { state: q.state } : {}) }) ?? [],
      counts: node.queue?.counts() ?? {},
      pipeline: node.pipeline?.status ?? null,
    }),
    sweeps: (q) => ({
      sweeps: (node.queue?.sweeps({ limit: q.limit }) ?? []).map(({ hex: _hex, ...s }) => s),
    }),
    probe: async (request): Promise<ProbeResponse> => {
      const started = Date.now();
      let r: Awaited<ReturnType<CoordinatorNode['probe']>>;
      try {
        r = await node.probe(request.data === undefined ? undefined : hexToBytes(request.data));
      } catch (err) {
        if (err instanceof NotActiveError) throw new ApiHttpError(409, 'conflict', err.message);
        const message = err instanceof Error ? err.message : String(err);
        if (/within/.test(message)) throw new ApiHttpError(504, 'unavailable', message);
        throw new ApiHttpError(409, 'conflict', message);
      }
      if (r.report.kind !== 'signature')
        throw new ApiHttpError(503, 'unavailable', `probe not signed: ${r.report.kind}`);
      return {
        signId: r.report.signId,
        preimage: r.preimage,
        messages: r.report.messages,
        signatures: r.report.signatures,
        // The key the round signed under (a rotation may have replaced the current one since).
        outputKey: outputKey(r.report.groupKey, r.report.tweak),
        attempts: Math.max(1, r.report.attempts),
        excluded: reasons(r.report.excluded),
        durationMs: Date.now() - started,
      };
    },
    events,
    metrics,
    operatorToken: token,
    ready: () =>
      node.state === undefined ? { ready: false, reason: node.lastDecision } : { ready: true },
    version: VERSION,
    logger: logger.child({ component: 'api' }),
  });
  const address = await listenApi(app, { host: config.api.host, port: config.api.port });
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const dataDir = node.ctx.path(config.dataDir);
  await recordApiEndpoint(dataDir, 'coordinator', url);
  logger.info({ url }, 'Coordinator API listening');
  return {
    url,
    close: async () => {
      await forgetApiEndpoint(dataDir, 'coordinator');
      await app.close();
    },
  };
}
