// Benchmark of a federation of processes (issue 13): per size (5 and 15 operators, one key id
// each), a DKG with its verification round and 1-message probe signing rounds, every message
// through the relay process on loopback, and each signer process's resident memory over the
// rounds. Figures are ms and ratios to one noble `schnorr.verify` measured in this process in
// the same run (the machine is shared; `v` drifts with its load).
//
// The devnet mines only on demand (`blockIntervalMs: 0`): blocks while the signers register and
// while the key is published, none while a DKG or the signing rounds are measured, so no new
// Bitcoin tip moves the active coordinator in the middle of a measurement; between rounds the
// active coordinator's heartbeats keep it active (every round is led by the coordinator first in
// line for the tip).
//
// Env: BENCH_SIZES (default "5,15"), BENCH_ROUNDS (timed probe rounds per size, default 50),
// BENCH_MEMORY_ROUNDS (total probe rounds at the first size for the memory figure, default
// 1000), BENCH_QUICK=1 (5 operators, 10 rounds, no long memory run), BENCH_KEEP_LOGS=1 (every
// process's log lines written to BENCH_LOG_DIR or /tmp; always on a failure), BENCH_CPU_PROF=<dir>
// (a V8 CPU profile of every process of the run, written there as each stops: node --cpu-prof,
// passed by the harness through PEG_FED_NODE_ARGS since node refuses it in NODE_OPTIONS).
// One JSON line per figure on stdout, a table on stderr.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { sleep } from '@peg/runtime';
import {
  eventually,
  type Federation,
  type Operator,
  relayMessages,
  startFederation,
} from '../test/harness/federation.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '5' : '5,15')).split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 10 : 50));
const MEMORY_ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? (QUICK ? 0 : 1000));
const WARMUP = 5;
/**
 * Phase timeouts (defaults: 2 s per DKG phase, 1 s for nonces and shares): on this shared 2-core
 * machine (load average 15–30 from other work) the first DKG of freshly started processes overran
 * the 2 s public phase, then the verification round's 1 s nonce phase (it needs every holder),
 * and every attempt failed. A longer phase only waits longer: the figures are the time the work
 * took. A signing round goes on as soon as threshold signers answered, so the longer nonce and
 * share timeouts change nothing for a round where they do.
 */
const PHASE_TIMEOUTS = {
  dkgPublic: 30_000,
  dkgPrivate: 30_000,
  dkgEnd: 30_000,
  nonce: 10_000,
  sign: 10_000,
};

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---- the unit: one schnorr.verify of @noble/curves, in this process ----

const vSk = new Uint8Array(32).fill(7);
const vMsg = new Uint8Array(32).fill(1);
const vSig = schnorr.sign(vMsg, vSk, new Uint8Array(32));
const vPk = schnorr.getPublicKey(vSk);
const vSamples: number[] = [];

/** Median ms of one schnorr.verify over 5 loops of 40 ms (kept for the run's figure). */
function measureV(): number {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 40) {
      schnorr.verify(vSig, vMsg, vPk);
      calls++;
    }
    xs.push((performance.now() - t0) / calls);
  }
  const v = median(xs);
  vSamples.push(v);
  return v;
}

// ---- figures ----

type Row = { size: number; name: string; value: number; unit: 'ms' | 'MB' | '%'; v?: number };
const rows: Row[] = [];

function emit(row: Row): void {
  rows.push(row);
  const ratio = row.unit === 'ms' && row.v ? +(row.value / row.v).toFixed(1) : undefined;
  console.log(
    JSON.stringify({
      signers: row.size,
      name: row.name,
      [row.unit === 'ms' ? 'ms' : row.unit === 'MB' ? 'mb' : 'percent']: +row.value.toFixed(1),
      ...(row.v ? { v_ms: +row.v.toFixed(3), ratio } : {}),
    }),
  );
  console.error(
    `[${row.size}] ${row.name}: ${row.value.toFixed(1)} ${row.unit}${ratio !== undefined ? ` = ${ratio} v` : ''}`,
  );
}

/** Resident memory of a process, MB (Linux /proc). */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}
const signerRss = (fed: Federation) => fed.operators.map((op) => rssMb(op.signer?.proc.pid));

/** Each signer's V8 heap in use, MB (prom-client's default metric on its /metrics). */
async function signerHeap(fed: Federation): Promise<number[]> {
  return Promise.all(
    fed.operators.map(async (op) => {
      const text = await (await fetch(new URL('/metrics', op.signerApi))).text();
      const bytes = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)$/m.exec(text)?.[1];
      return bytes === undefined ? Number.NaN : Number(bytes) / 2 ** 20;
    }),
  );
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc, 100 ticks a second). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** CPU time by role, ms: what the machine's cores must do in total for the rounds between two reads. */
function cpuByRole(fed: Federation, active: Operator) {
  const signers = fed.operators.map((op) => cpuMs(op.signer?.proc.pid));
  const backups = fed.operators
    .filter((op) => op !== active)
    .map((op) => cpuMs(op.coordinator?.proc.pid));
  const usage = process.cpuUsage();
  return {
    signers,
    active: cpuMs(active.coordinator?.proc.pid),
    backups: backups.reduce((a, b) => a + b, 0),
    relay: cpuMs(fed.relay.proc.pid),
    // The bench process: the devnet chains (every process polls their tips) and the probes.
    bench: (usage.user + usage.system) / 1000,
  };
}

// ---- one federation ----

type DkgRound = {
  dkgId: number;
  outcome: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  attempts: number;
  participants: number[];
  aggregateKey: string | null;
};
type SigningRound = { signId: number; outcome: string; durationMs: number | null };
type Rounds = { dkg: DkgRound[]; signing: SigningRound[] };
type Probe = {
  signId: number;
  messages: string[];
  signatures: string[];
  outputKey: string;
  attempts: number;
  durationMs: number;
};

/** The coordinator that is active now (its status says so). */
async function activeCoordinator(fed: Federation): Promise<Operator> {
  return eventually('an active coordinator', async () => {
    for (const op of fed.operators) {
      const s = await fed
        .api<{ coordinator: { self: boolean } }>(op.coordinatorApi, '/v1/status')
        .catch(() => undefined);
      if (s?.coordinator.self) return op;
    }
    return undefined;
  });
}

/** One probe round at the active coordinator: its answer and the wall time seen here. */
async function probeOnce(fed: Federation, op: Operator): Promise<{ r: Probe; wallMs: number }> {
  const t0 = performance.now();
  const r = await fed.api<Probe>(op.coordinatorApi, '/v1/probe', { method: 'POST', body: {} });
  const wallMs = performance.now() - t0;
  if (r.signatures.length !== 1) throw new Error(`probe ${r.signId}: no signature`);
  if (
    !schnorr.verify(
      hexToBytes(r.signatures[0]!),
      hexToBytes(r.messages[0]!),
      hexToBytes(r.outputKey),
    )
  )
    throw new Error(`probe ${r.signId}: the signature does not verify`);
  return { r, wallMs };
}

/** Every signer's last machine start is in the same epoch: all n registered, announced, ready. */
function signersInOneEpoch(fed: Federation): boolean {
  const epochs = fed.operators.map((op) => {
    const starts = op.signer?.lines.filter((l) => l.msg === 'signer machine started') ?? [];
    return starts.at(-1)?.epoch;
  });
  return epochs[0] !== undefined && epochs.every((e) => e === epochs[0]);
}

/** Per-round messages of the active coordinator and signer 1 over the timed rounds (stderr). */
async function messagesPerRound(
  fed: Federation,
  active: Operator,
  before: Record<string, number>[],
  rounds: number,
): Promise<void> {
  const after = await Promise.all([
    relayMessages(active.coordinatorApi),
    relayMessages(fed.operators[0]!.signerApi),
  ]);
  const per = (i: number) =>
    Object.fromEntries(
      Object.entries(after[i]!).map(([k, v]) => [
        k,
        +((v - (before[i]![k] ?? 0)) / rounds).toFixed(1),
      ]),
    );
  console.error(
    `[${fed.operators.length}] per round: active coordinator ${JSON.stringify(per(0))}, signer 1 ${JSON.stringify(per(1))}`,
  );
}

/** A Stacks block now: a faucet transfer, which the devnet mines at once. */
async function stacksBlock(fed: Federation): Promise<void> {
  const to = fed.operators[0]!.stacksAddress;
  const r = await fetch(`${fed.devnet.stacksUrl}/extended/v1/faucets/stx?address=${to}&amount=1`, {
    method: 'POST',
  });
  if (!r.ok) throw new Error(`faucet: ${r.status} ${await r.text()}`);
}

async function benchSize(size: number, memoryRounds: number): Promise<void> {
  const setup0 = performance.now();
  // The takeover must exceed the longest phase (30 s here); on the standing chain the active
  // coordinator's heartbeats keep the role where it is between rounds.
  const fed = await startFederation({
    weights: Array(size).fill(1),
    blockIntervalMs: 0,
    timeouts: { takeover: 60_000, ...PHASE_TIMEOUTS },
    pollMs: 1_000,
  });
  try {
    // Registration: the signers register their Stacks keys (mined on ticks) and announce their
    // messaging keys; the coordinators start only once every signer runs the final layout.
    let stopMining = fed.mineEvery(1_000);
    for (const op of fed.operators) fed.startSigner(op);
    // A signer re-reads the relay's announcement list only on a new Stacks block, and empty
    // ticks make none: one that missed a peer's announcement (posted before the relay listed it
    // as a member) would wait for ever. A faucet transfer every 5 s makes a Stacks block.
    let nudged = Date.now();
    await eventually(
      'every signer in the final epoch',
      async () => {
        if (signersInOneEpoch(fed)) return true;
        if (Date.now() - nudged > 5_000) {
          nudged = Date.now();
          await stacksBlock(fed);
        }
        return false;
      },
      600_000,
      500,
    );
    stopMining();
    await sleep(3_000);
    console.error(`[${size}] setup ${((performance.now() - setup0) / 1000).toFixed(0)} s`);

    // DKG with its verification round.
    const vDkg = measureV();
    const t0 = Date.now();
    for (const op of fed.operators) fed.startCoordinator(op);
    const dkg = await eventually(
      'a DKG verified by a coordinator',
      async () => {
        for (const op of fed.operators) {
          const r = await fed
            .api<Rounds>(op.coordinatorApi, '/v1/rounds?limit=10')
            .catch(() => undefined);
          const done = r?.dkg.find((d) => d.outcome === 'succeeded');
          if (done) return { op, round: done, rounds: r!.dkg };
          if ((r?.dkg.filter((d) => d.outcome === 'failed').length ?? 0) >= 3)
            return { op, round: undefined, rounds: r!.dkg };
        }
        return undefined;
      },
      600_000,
      250,
    );
    if (dkg.round === undefined)
      throw new Error(
        `DKG failed 3 times at coordinator ${dkg.op.index}: ${JSON.stringify(dkg.rounds)}`,
      );
    const round = dkg.round;
    const keyed = await eventually(
      'every signer holds the verified key',
      async () => {
        for (const op of fed.operators) {
          const s = await fed.api<{ key: { aggregateKey: string } | null }>(
            op.signerApi,
            '/v1/status',
          );
          if (s.key?.aggregateKey !== round.aggregateKey) return undefined;
        }
        return Date.now();
      },
      600_000,
      100,
    );
    const failed = dkg.rounds.filter((d) => d.outcome === 'failed').length;
    emit({
      size,
      name: 'DKG + verification (coordinator round record)',
      value: round.durationMs!,
      unit: 'ms',
      v: vDkg,
    });
    emit({
      size,
      name: 'coordinators started -> every signer holds the key (wall)',
      value: keyed - t0,
      unit: 'ms',
      v: vDkg,
    });
    console.error(
      `[${size}] DKG ${round.dkgId}: attempts ${round.attempts}, participants ${round.participants.length}, failed rounds before: ${failed}, by coordinator ${dkg.op.index}`,
    );

    // Publish the key (rotate-keys is mined on a tick), then the chains stand still again.
    stopMining = fed.mineEvery(1_000);
    await eventually(
      'the registry holds the key',
      async () => (await fed.stacks.getSignerData()).aggregatePubkey === round.aggregateKey,
      300_000,
      500,
    );
    stopMining();
    await sleep(3_000);

    // Signing rounds: warm-up, then the timed rounds, then (first size) the memory run.
    const active = await activeCoordinator(fed);
    const rssBefore = signerRss(fed);
    for (let i = 0; i < WARMUP; i++) await probeOnce(fed, active);
    const rssStart = signerRss(fed);
    const countersBefore = await Promise.all([
      relayMessages(active.coordinatorApi),
      relayMessages(fed.operators[0]!.signerApi),
    ]);
    const wall: number[] = [];
    const probeMs: number[] = [];
    const ids: number[] = [];
    const vSign: number[] = [];
    const cpuBefore = cpuByRole(fed, active);
    let vCpuMs = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 10 === 0) {
        const u0 = process.cpuUsage();
        vSign.push(measureV());
        const u1 = process.cpuUsage(u0);
        vCpuMs += (u1.user + u1.system) / 1000;
      }
      const { r, wallMs } = await probeOnce(fed, active);
      wall.push(wallMs);
      probeMs.push(r.durationMs);
      ids.push(r.signId);
      if (r.attempts !== 1) console.error(`[${size}] probe ${r.signId}: ${r.attempts} attempts`);
    }
    const cpuAfter = cpuByRole(fed, active);
    await messagesPerRound(fed, active, countersBefore, ROUNDS);
    const rounds = await fed.api<Rounds>(
      active.coordinatorApi,
      `/v1/rounds?limit=${Math.min(500, ROUNDS + 10)}`,
    );
    const byId = new Map(rounds.signing.map((s) => [s.signId, s]));
    const roundMs = ids.map((id) => byId.get(id)?.durationMs).filter((x): x is number => x != null);
    const v = median(vSign);
    // CPU per round by role: with every process on one machine, the cores' total bounds the
    // round's wall time from below (docs/benchmarks.md).
    const perRound = (ms: number) => ms / ROUNDS;
    const signerCpu = cpuAfter.signers.map((x, i) => x - cpuBefore.signers[i]!);
    const cpu = {
      'one signer, median': perRound(median(signerCpu)),
      'all signers': perRound(signerCpu.reduce((a, b) => a + b, 0)),
      'active coordinator': perRound(cpuAfter.active - cpuBefore.active),
      'backup coordinators, all': perRound(cpuAfter.backups - cpuBefore.backups),
      relay: perRound(cpuAfter.relay - cpuBefore.relay),
      'bench process (devnet chains, probes)': perRound(cpuAfter.bench - cpuBefore.bench - vCpuMs),
    };
    const total = Object.entries(cpu)
      .filter(([k]) => k !== 'one signer, median')
      .reduce((a, [, x]) => a + x, 0);
    for (const [who, ms] of Object.entries(cpu))
      emit({ size, name: `CPU per signing round: ${who}`, value: ms, unit: 'ms', v });
    emit({ size, name: 'CPU per signing round: every process', value: total, unit: 'ms', v });
    emit({
      size,
      name: `CPU per signing round ÷ ${availableParallelism()} cores (wall-time floor)`,
      value: total / availableParallelism(),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'signing round, median (coordinator round record)',
      value: median(roundMs),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'signing round, p90 (coordinator round record)',
      value: quantile(roundMs, 0.9),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'POST /v1/probe durationMs, median',
      value: median(probeMs),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'POST /v1/probe durationMs, p90',
      value: quantile(probeMs, 0.9),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'probe HTTP round trip seen by the bench, median',
      value: median(wall),
      unit: 'ms',
      v,
    });
    emit({
      size,
      name: 'probe HTTP round trip seen by the bench, p90',
      value: quantile(wall, 0.9),
      unit: 'ms',
      v,
    });

    let done = WARMUP + ROUNDS;
    const checkpoints: { rounds: number; rss: number[]; heap: number[] }[] = [
      { rounds: done, rss: signerRss(fed), heap: await signerHeap(fed) },
    ];
    while (done < memoryRounds) {
      await probeOnce(fed, active);
      done++;
      if (done % 250 === 0 || done === memoryRounds) {
        checkpoints.push({ rounds: done, rss: signerRss(fed), heap: await signerHeap(fed) });
        console.error(
          `[${size}] ${done} rounds, signer RSS max ${Math.max(...signerRss(fed)).toFixed(0)} MB`,
        );
      }
    }
    const rssEnd = signerRss(fed);
    emit({
      size,
      name: 'signer RSS before the first probe, max',
      value: Math.max(...rssBefore),
      unit: 'MB',
    });
    emit({
      size,
      name: `signer RSS after ${WARMUP} warm-up rounds, max`,
      value: Math.max(...rssStart),
      unit: 'MB',
    });
    emit({
      size,
      name: `signer RSS after ${done} rounds, max`,
      value: Math.max(...rssEnd),
      unit: 'MB',
    });
    const growth = rssEnd.map((x, i) => (x / rssStart[i]! - 1) * 100);
    emit({
      size,
      name: `signer RSS growth, warm-up -> ${done} rounds, largest`,
      value: Math.max(...growth),
      unit: '%',
    });
    const coordRss = fed.operators.map((op) => rssMb(op.coordinator?.proc.pid));
    emit({
      size,
      name: `coordinator RSS after ${done} rounds, max`,
      value: Math.max(...coordRss),
      unit: 'MB',
    });
    emit({
      size,
      name: `relay RSS after ${done} rounds`,
      value: rssMb(fed.relay.proc.pid),
      unit: 'MB',
    });
    console.error(
      `[${size}] signer RSS per checkpoint (MB, each signer): ${JSON.stringify(
        [{ rounds: 0, rss: rssBefore }, { rounds: WARMUP, rss: rssStart }, ...checkpoints].map(
          (c) => ({
            rounds: c.rounds,
            rss: c.rss.map((x) => Math.round(x)),
          }),
        ),
      )}`,
    );
    console.error(
      `[${size}] signer V8 heap used per checkpoint (MB, each signer): ${JSON.stringify(
        checkpoints.map((c) => ({ rounds: c.rounds, heap: c.heap.map((x) => Math.round(x)) })),
      )}`,
    );
    if (process.env.BENCH_KEEP_LOGS === '1') dumpLogs(fed, size);
  } catch (err) {
    dumpLogs(fed, size);
    throw err;
  } finally {
    await fed.stop();
  }
}

/** Every process's log lines (on a failure, or BENCH_KEEP_LOGS=1), in BENCH_LOG_DIR or /tmp. */
function dumpLogs(fed: Federation, size: number): void {
  const dir = join(process.env.BENCH_LOG_DIR ?? '/tmp', `federation-bench-${size}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const procs = [fed.relay, ...fed.operators.flatMap((o) => [o.signer, o.coordinator])];
  for (const p of procs) {
    if (p === undefined) continue;
    const text = p.lines.map((l) => JSON.stringify(l)).join('\n');
    writeFileSync(join(dir, `${p.name}.log`), `${text}\n${p.stderr}`);
  }
  console.error(`logs of the run in ${dir}`);
}

function table(): string {
  const lines = ['| signers | figure | value | ratio (× v) |', '| ---: | --- | ---: | ---: |'];
  for (const r of rows) {
    const value = `${r.value.toFixed(r.unit === 'ms' ? 0 : 1)} ${r.unit}`;
    lines.push(
      `| ${r.size} | ${r.name} | ${value} | ${r.unit === 'ms' && r.v ? (r.value / r.v).toFixed(0) : ''} |`,
    );
  }
  return lines.join('\n');
}

if (process.env.BENCH_CPU_PROF)
  process.env.PEG_FED_NODE_ARGS = `--cpu-prof --cpu-prof-interval=10000 --cpu-prof-dir=${process.env.BENCH_CPU_PROF}`;
const started = new Date().toISOString();
console.error(`federation bench ${started}: sizes ${SIZES.join(', ')}, ${ROUNDS} timed rounds`);
for (const [i, size] of SIZES.entries()) await benchSize(size, i === 0 ? MEMORY_ROUNDS : 0);
console.error(
  `\n${table()}\n\nv (one schnorr.verify) ${Math.min(...vSamples).toFixed(3)}–${Math.max(...vSamples).toFixed(3)} ms over the run`,
);
