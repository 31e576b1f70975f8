// A whole local federation for the process tests: the devnet chains (in this test process: a
// chain simulator, not the system under test), the relay as a process with membership from the
// chain, and per operator a `peg-signer` and a `peg-coordinator` process made with `peg-signer
// init`, admitted by the registry's admin and funded from the devnet faucet.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { type Devnet, startDevnet } from '@peg/devnet';
import { sendContractCall } from '@peg/runtime';
import { createStacksClient, type StacksClient, setSignerWeightCall } from '@peg/stacks-client';
import { CliProcess, killAll, runCli } from './process.ts';

/** The devnet registry admin (the simnet deployer; a public devnet key, docs/chains.md). */
export const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a6';
export const PASSWORD = 'devnet-only password';
/**
 * Protocol timeouts of the test federations: the defaults are tuned for an idle machine; a CI
 * runner with two cores shared by 11 processes needs slack (a phase that times out only costs
 * a retry, but a DKG needs every phase to fit).
 */
export const TEST_TIMEOUTS = {
  dkgPublic: 6_000,
  dkgPrivate: 6_000,
  dkgEnd: 6_000,
  nonce: 3_000,
  sign: 3_000,
  resend: 500,
  takeover: 20_000,
};
const FEDERATION = 'devnet';

/** Ports this process handed out (never twice). */
const handedOut = new Set<number>();

/**
 * A free loopback port for a process the test starts later. Picked below the kernel's ephemeral
 * range (32768–60999 here): a port from `listen(0)` is an ephemeral one, and while it sat
 * unused until its process started, an outgoing connection of the 30 others could take it
 * (a 15-signer bench run died on `EADDRINUSE`).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port in 20000-31999');
}

export type Operator = {
  index: number;
  weight: number;
  dir: string;
  signerConfig: string;
  coordinatorConfig: string;
  stacksAddress: string;
  stacksPublicKey: string;
  signerApi: string;
  coordinatorApi: string;
  token: string;
  signer?: CliProcess;
  coordinator?: CliProcess;
};

export type Federation = {
  dir: string;
  devnet: Devnet;
  stacks: StacksClient;
  relay: CliProcess;
  relayUrl: string;
  operators: Operator[];
  env: NodeJS.ProcessEnv;
  startSigner(op: Operator): CliProcess;
  startCoordinator(op: Operator): CliProcess;
  /**
   * Mines one devnet tick (a Bitcoin block and the Stacks mempool) every `ms` until the returned
   * function is called: for a federation started with `blockIntervalMs: 0`, whose chains then
   * stand still (no new tip moves the active coordinator) except while a step needs blocks.
   */
  mineEvery(ms: number): () => void;
  /**
   * Runs `f` with no block mined meanwhile (the automatic miner and `mineEvery` wait): e.g. to
   * land several Stacks transactions in one block.
   */
  withoutBlocks<T>(f: () => Promise<T>): Promise<T>;
  /** GET/POST on an operator's API with its token. */
  api<T>(url: string, route: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** Writes every process's log lines to `dir/<name>.log` (for a failed run; PEG_FED_LOGS). */
  dumpLogs(dir: string): void;
  stop(): Promise<void>;
};

export async function startFederation(opts: {
  weights: number[];
  /** Devnet block interval (default 2 s); 0: blocks only on demand (`mineEvery`, `devnet.mine`). */
  blockIntervalMs?: number;
  logLevel?: string;
  /** How often every process reads the Bitcoin and Stacks tips, ms (default 250). */
  pollMs?: number;
  /** Extra config for every process (e.g. shorter timeouts). */
  timeouts?: Record<string, number>;
  /** The `pegOut` settings of every process. */
  pegOut?: Record<string, number>;
  /** Every signer's policy file (written as `policy.json` beside its configuration). */
  policy?: Record<string, unknown>;
}): Promise<Federation> {
  const dir = mkdtempSync(join(tmpdir(), 'peg-federation-'));
  // Blocks on demand: a new Bitcoin tip moves the active coordinator (the selection rule hashes
  // the tip), so a timer's fast blocks would restart rounds all the time. A block is mined when
  // Stacks transactions wait (registrations, key publication), as a miner would take them.
  const devnet = await startDevnet({ blockIntervalMs: opts.blockIntervalMs ?? 0 });
  let held = false;
  const miner = setInterval(() => {
    if (!held && devnet.chains.chain.pending().length > 0) devnet.mine(1);
  }, 200);
  const stacks = createStacksClient({
    nodeUrl: devnet.stacksUrl,
    network: 'devnet',
    contracts: { address: devnet.deployer },
  });
  const relayPort = await freePort();
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  const env = { PEG_KEYSTORE_PASSWORD: PASSWORD, PEG_KEYSTORE_PASSWORD_FILE: '' };
  const relay = new CliProcess(
    'relay',
    'relay',
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(relayPort),
      '--federation',
      FEDERATION,
      '--members-from-chain',
      devnet.stacksUrl,
      '--contracts',
      devnet.deployer,
      '--chain-interval',
      '500',
      '--store',
      `sqlite:${join(dir, 'relay.sqlite')}`,
      '--log-level',
      'info',
    ],
    { PEG_RELAY_LOG_LEVEL: '' },
  );
  await relay.waitFor((l) => l.msg === 'relay listening', 120_000);

  const rpcPasswordFile = join(dir, 'bitcoin-rpc-password');
  writeFileSync(rpcPasswordFile, devnet.bitcoin.password, { mode: 0o600 });
  const bootstrapKeyFile = join(dir, 'bootstrap-key');
  writeFileSync(bootstrapKeyFile, DEPLOYER_KEY, { mode: 0o600 });

  const operators: Operator[] = [];
  for (const [i, weight] of opts.weights.entries()) {
    const opDir = join(dir, `operator-${i + 1}`);
    const signerPort = await freePort();
    const coordinatorPort = await freePort();
    const init = await runCli(
      'signer',
      [
        'init',
        '--dir',
        opDir,
        '--relay-url',
        relayUrl,
        '--federation',
        FEDERATION,
        '--bitcoin-rpc-url',
        devnet.bitcoin.url,
        '--bitcoin-rpc-user',
        devnet.bitcoin.user,
        '--bitcoin-rpc-password-file',
        rpcPasswordFile,
        '--stacks-node-url',
        devnet.stacksUrl,
        '--contracts-address',
        devnet.deployer,
        '--api-port',
        String(signerPort),
        '--scrypt-log2n',
        '10',
      ],
      env,
    );
    if (init.code !== 0) throw new Error(`peg-signer init failed: ${init.stderr}`);
    const info = JSON.parse(init.stdout) as {
      config: string;
      stacksAddress: string;
      stacksPublicKey: string;
    };
    const signerConfig = JSON.parse(
      (await import('node:fs')).readFileSync(info.config, 'utf8'),
    ) as Record<string, unknown>;
    const fast = {
      ...signerConfig,
      bitcoin: { ...(signerConfig.bitcoin as object), pollMs: opts.pollMs ?? 250 },
      stacks: { ...(signerConfig.stacks as object), pollMs: opts.pollMs ?? 250 },
      log: { level: opts.logLevel ?? 'info' },
      timeouts: opts.timeouts ?? TEST_TIMEOUTS,
      ...(opts.pegOut ? { pegOut: opts.pegOut } : {}),
    };
    if (opts.policy) writeFileSync(join(opDir, 'policy.json'), JSON.stringify(opts.policy));
    writeFileSync(
      info.config,
      JSON.stringify({ ...fast, ...(opts.policy ? { policyFile: 'policy.json' } : {}) }, null, 2),
    );
    const coordinatorConfig = join(opDir, 'coordinator.json');
    writeFileSync(
      coordinatorConfig,
      JSON.stringify(
        {
          ...fast,
          dataDir: 'coordinator-data',
          api: { host: '127.0.0.1', port: coordinatorPort, tokenFile: 'api-token' },
          signerApi: { url: `http://127.0.0.1:${signerPort}`, tokenFile: 'api-token' },
          bootstrapSignerKeyFile: bootstrapKeyFile,
          dkg: { maxAttempts: 5, maxNonceTimeouts: 3, retryAfterMs: 2_000 },
        },
        null,
        2,
      ),
    );
    const token = (await import('node:fs')).readFileSync(join(opDir, 'api-token'), 'utf8').trim();
    operators.push({
      index: i + 1,
      weight,
      dir: opDir,
      signerConfig: info.config,
      coordinatorConfig,
      stacksAddress: info.stacksAddress,
      stacksPublicKey: info.stacksPublicKey,
      signerApi: `http://127.0.0.1:${signerPort}`,
      coordinatorApi: `http://127.0.0.1:${coordinatorPort}`,
      token,
    });
  }

  const miners = new Set<ReturnType<typeof setInterval>>();
  const mineEvery = (ms: number) => {
    const timer = setInterval(() => {
      if (held) return;
      try {
        devnet.mine(1);
      } catch (err) {
        console.error(`devnet mining failed: ${String(err)}`);
      }
    }, ms);
    miners.add(timer);
    return () => {
      clearInterval(timer);
      miners.delete(timer);
    };
  };

  // The admin admits every operator with its weight; the faucet pays their registration fees.
  const stopSetupMining = opts.blockIntervalMs === 0 ? mineEvery(250) : () => {};
  for (const op of operators) {
    const r = await fetch(
      `${devnet.stacksUrl}/extended/v1/faucets/stx?address=${op.stacksAddress}&amount=10000000`,
      { method: 'POST' },
    );
    if (!r.ok) throw new Error(`faucet: ${r.status} ${await r.text()}`);
    await sendContractCall(stacks, setSignerWeightCall(op.stacksAddress, op.weight), {
      senderKey: hexToBytes(DEPLOYER_KEY),
      network: 'devnet',
      pollMs: 100,
    });
  }
  stopSetupMining();

  const fed: Federation = {
    dir,
    devnet,
    stacks,
    relay,
    relayUrl,
    operators,
    env,
    startSigner(op) {
      op.signer = new CliProcess(
        `signer-${op.index}`,
        'signer',
        ['start', '--config', op.signerConfig],
        env,
      );
      return op.signer;
    },
    startCoordinator(op) {
      op.coordinator = new CliProcess(
        `coordinator-${op.index}`,
        'coordinator',
        ['start', '--config', op.coordinatorConfig],
        env,
      );
      return op.coordinator;
    },
    async api<T>(url: string, route: string, init: { method?: string; body?: unknown } = {}) {
      const op = operators.find((o) => o.signerApi === url || o.coordinatorApi === url);
      const r = await fetch(new URL(route, url), {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${op?.token ?? ''}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${route} -> ${r.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    mineEvery,
    async withoutBlocks(f) {
      held = true;
      try {
        return await f();
      } finally {
        held = false;
      }
    },
    dumpLogs(dir: string) {
      mkdirSync(dir, { recursive: true });
      const procs = [relay, ...operators.flatMap((o) => [o.signer, o.coordinator])];
      for (const p of procs) {
        if (p === undefined) continue;
        const text = p.lines.map((l) => JSON.stringify(l)).join('\n');
        writeFileSync(join(dir, `${p.name}.log`), `${text}\n${p.stderr}`);
      }
    },
    async stop() {
      clearInterval(miner);
      for (const timer of miners) clearInterval(timer);
      if (process.env.PEG_FED_LOGS) this.dumpLogs(process.env.PEG_FED_LOGS);
      await Promise.all(
        operators.flatMap((o) => [o.signer?.stop(), o.coordinator?.stop()]).filter(Boolean),
      );
      await relay.stop();
      await killAll();
      await devnet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fed;
}

/** Polls `f` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  f: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 120_000,
  everyMs = 250,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out: ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A probe round through whichever coordinator is active now (the others answer 409). */
export async function probe(
  fed: Federation,
  timeoutMs = 120_000,
): Promise<{
  messages: string[];
  signatures: string[];
  excluded: Record<string, string>;
  /** The x-only Taproot output key the signatures are for (the key the round signed under). */
  outputKey: string;
}> {
  return eventually(
    'a probe signed by the active coordinator',
    async () => {
      for (const op of fed.operators) {
        if (!op.coordinator?.alive) continue;
        const r = await fetch(new URL('/v1/probe', op.coordinatorApi), {
          method: 'POST',
          headers: { authorization: `Bearer ${op.token}`, 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(timeoutMs),
        }).catch(() => undefined);
        if (r?.ok) return (await r.json()) as Awaited<ReturnType<typeof probe>>;
      }
      return undefined;
    },
    timeoutMs,
    500,
  );
}

/**
 * A process's `peg_*_relay_messages_total` counters from its `/metrics` (no token needed), by
 * kind: `stepped`, `refused`, `sent`.
 */
export async function relayMessages(apiUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', apiUrl))).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^peg_\w+_relay_messages_total\{kind="(\w+)"\} (\d+)$/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

/** Starts every operator's signer and coordinator. */
export function startEveryProcess(fed: Federation): void {
  for (const op of fed.operators) {
    fed.startSigner(op);
    fed.startCoordinator(op);
  }
}

/** The registry's signer data once it holds an aggregate key for all `signers` registered keys. */
export function publishedKey(
  fed: Federation,
  signers: number,
  timeoutMs = 300_000,
): Promise<Awaited<ReturnType<Federation['stacks']['getSignerData']>>> {
  return eventually(
    `the registry holds an aggregate key for the ${signers} registered keys`,
    async () => {
      const d = await fed.stacks.getSignerData();
      return d.aggregatePubkey !== '00' && d.signerSet.length === signers ? d : undefined;
    },
    timeoutMs,
  );
}

/** The registry admin sets an operator's weight (0 removes it). */
export async function setWeight(fed: Federation, op: Operator, weight: number): Promise<void> {
  await sendContractCall(fed.stacks, setSignerWeightCall(op.stacksAddress, weight), {
    senderKey: hexToBytes(DEPLOYER_KEY),
    network: 'devnet',
    pollMs: 100,
  });
  op.weight = weight;
}
