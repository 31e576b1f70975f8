import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { signRelayRequest } from '@peg/wire';
import autocannon from 'autocannon';
import { membersFile, secretKey } from '../test/helpers.ts';
import { startNats } from '../test/nats-server.ts';

// Relay benchmark: authenticated (bearer token) durable POST and GET throughput and p99 latency
// with 1 KiB envelopes, per store, beside a bare Fastify in-memory baseline measured in the same
// run. Each server runs in its own process; autocannon (50 connections) runs here. JSON lines.

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = 50;
const ENVELOPE = bytesToHex(new Uint8Array(1024).map((_, i) => i & 0xff));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median time of one noble schnorr.verify in this process (the unit of every ratio). */
function verifyMs(): number {
  const sk = secretKey(1);
  const msg = new Uint8Array(32).fill(7);
  const sig = schnorr.sign(msg, sk);
  const pub = schnorr.getPublicKey(sk);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    schnorr.verify(sig, msg, pub);
    times.push(performance.now() - t0);
  }
  return median(times.slice(50));
}

type Server = { url: string; proc: ChildProcess };

function spawnServer(args: string[], ready: RegExp): Promise<Server> {
  const proc = spawn(process.execPath, ['--conditions=@peg/source', '--import', 'tsx', ...args], {
    cwd: APP_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, proc });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function stopServer(s: Server): Promise<void> {
  s.proc.kill('SIGTERM');
  await new Promise((r) => s.proc.once('exit', r));
}

async function token(url: string, party: number): Promise<string> {
  const res = await fetch(`${url}/v1/auth/token`, {
    method: 'POST',
    headers: {
      authorization: signRelayRequest(secretKey(party), {
        federation: 'bench',
        method: 'POST',
        pathAndQuery: '/v1/auth/token',
        body: new Uint8Array(),
        timestamp: Date.now(),
        party: String(party),
      }),
    },
  });
  if (res.status !== 200) throw new Error(`token ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

let ids = 0;
async function measure(url: string, kind: 'post' | 'get', auth: Record<string, string>) {
  process.stderr.write(`bench: ${kind} ${url}\n`);
  const run = (seconds: number) =>
    autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        kind === 'post'
          ? {
              method: 'POST',
              path: '/v1/messages',
              headers: { ...auth, 'content-type': 'application/json' },
              setupRequest: (req) => {
                req.body = JSON.stringify({
                  id: `b${process.pid}-${ids++}`,
                  to: ['2'],
                  envelope: ENVELOPE,
                });
                return req;
              },
            }
          : {
              method: 'GET',
              path: '/v1/inboxes/2/messages?after=1000&limit=10',
              headers: auth,
            },
      ],
    });
  await run(1); // warm-up (JIT, connection setup)
  const r = await run(DURATION);
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${kind} ${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function main(): Promise<void> {
  const v = verifyMs();
  const dir = mkdtempSync(join(tmpdir(), 'peg-relay-bench-'));
  const members = join(dir, 'members.json');
  writeFileSync(members, JSON.stringify(membersFile(3, 'bench')));
  const nats = await startNats(1);
  const servers = new Set<Server>();
  const results: Record<string, { rps: number[]; p50: number[]; p99: number[] }> = {};
  const record = (name: string, m: { rps: number; p50: number; p99: number }) => {
    const r = results[name] ?? { rps: [], p50: [], p99: [] };
    results[name] = r;
    r.rps.push(m.rps);
    r.p50.push(m.p50);
    r.p99.push(m.p99);
  };
  const relayArgs = [
    'src/main.ts',
    '--members',
    members,
    '--port',
    '0',
    '--rate',
    '1000000',
    '--burst',
    '1000000',
    '--log-level',
    'info',
  ];
  const listening = /"port":(\d+)[^\n]*"msg":"relay listening"/;
  try {
    for (let run = 0; run < RUNS; run++) {
      // Interleaved so that background load hits every configuration alike.
      const base = await spawnServer(['bench/baseline-server.ts'], /\{"port":(\d+)\}/);
      servers.add(base);
      record('baseline', await measure(base.url, 'post', {}));
      record('baseline-get', await measure(base.url, 'get', {}));
      await stopServer(base);
      servers.delete(base);
      for (const [store, spec] of [
        ['sqlite', `sqlite:${join(dir, `bench-${run}.sqlite`)}`],
        ['jetstream', `nats://${nats.urls[0]}`],
      ] as const) {
        const relay = await spawnServer([...relayArgs, '--store', spec], listening);
        servers.add(relay);
        const sender = { authorization: `Bearer ${await token(relay.url, 1)}` };
        const reader = { authorization: `Bearer ${await token(relay.url, 2)}` };
        record(store, await measure(relay.url, 'post', sender));
        record(`${store}-get`, await measure(relay.url, 'get', reader));
        await stopServer(relay);
        servers.delete(relay);
      }
    }
  } finally {
    for (const s of servers) await stopServer(s);
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = results.baseline!;
  const baseGet = results['baseline-get']!;
  for (const [name, r] of Object.entries(results)) {
    const ref = name.endsWith('-get') ? baseGet : base;
    const p50 = median(r.p50);
    console.log(
      JSON.stringify({
        name: `relay/${name.replace(/-get$/, '')}/${name.endsWith('-get') ? 'get' : 'post'}`,
        median_ms: p50,
        v_ms: Number(v.toFixed(4)),
        ratio: Number((p50 / v).toFixed(2)),
        rps: Math.round(median(r.rps)),
        p99_ms: median(r.p99),
        rps_vs_baseline: Number((median(r.rps) / median(ref.rps)).toFixed(3)),
        p99_vs_baseline: Number((median(r.p99) / median(ref.p99)).toFixed(2)),
        runs: r.rps.length,
        connections: CONNECTIONS,
        envelope_bytes: 1024,
      }),
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
