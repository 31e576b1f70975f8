import { type ChildProcess, spawn } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RelayClient } from '../src/relay/relay-client.ts';
import { StateStore } from '../src/store/state-store.ts';
import { tempDir } from './helpers.ts';
import { FEDERATION, testKey } from './relay-harness.ts';

// The relay as a real process (`peg-relay`'s src/main.ts through tsx, from the devDependency
// @peg/relay), killed with SIGKILL while a consumer long-polls and a producer posts.
const RELAY_DIR = realpathSync(
  fileURLToPath(new URL('../node_modules/@peg/relay', import.meta.url)),
);
const MESSAGES = 20;

let t: ReturnType<typeof tempDir>;
const procs: ChildProcess[] = [];
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  for (const p of procs.splice(0))
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  t.cleanup();
});

async function startRelayProcess(
  membersFile: string,
  port: number,
): Promise<{ port: number; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=@peg/source',
      '--import',
      'tsx',
      'src/main.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--members',
      membersFile,
      '--store',
      `sqlite:${join(t.dir, 'relay.sqlite')}`,
      '--log-level',
      'info',
    ],
    {
      cwd: RELAY_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEG_RELAY_LOG_LEVEL: '' },
    },
  );
  procs.push(proc);
  let out = '';
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 60_000);
    proc.stderr?.on('data', (d: Buffer) => {
      out += d;
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out = (out + d).slice(-65_536);
      const m = /"port":(\d+)[^\n]*"msg":"relay listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${out}`));
    });
  });
  return { port: listening, proc };
}

function killed(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

it('a relay process killed with SIGKILL mid-poll: every message handled once, none lost', async () => {
  const membersFile = join(t.dir, 'members.json');
  writeFileSync(
    membersFile,
    JSON.stringify({
      federation: FEDERATION,
      members: [1, 2].map((i) => ({
        id: String(i),
        key: bytesToHex(schnorr.getPublicKey(testKey(i))),
      })),
    }),
  );
  let relay = await startRelayProcess(membersFile, 0);
  const url = `http://127.0.0.1:${relay.port}`;
  const opts = { url, federation: FEDERATION, backoff: { initialMs: 20, maxMs: 500 } };
  const producer = new RelayClient({ ...opts, party: '1', secretKey: testKey(1) });
  let tokenRequests = 0;
  const consumer = new RelayClient({
    ...opts,
    party: '2',
    secretKey: testKey(2),
    fetch: (input, init) => {
      if (String(input).endsWith('/v1/auth/token')) tokenRequests++;
      return fetch(input, init);
    },
  });
  const store = StateStore.open(join(t.dir, 'state.sqlite'), {
    stateKey: new Uint8Array(32).fill(4),
  });
  const delivered: string[] = [];
  const stop = new AbortController();
  const consuming = consumer.consume(
    async (m) => {
      delivered.push(new TextDecoder().decode(m.envelope));
      if (store.isProcessed(m.inputId)) return;
      const count = (store.load<{ count: number }>().state?.count ?? 0) + 1;
      store.commitStep({ state: { count }, timers: {}, outbox: [], inputId: m.inputId });
      if (count === MESSAGES) stop.abort();
    },
    { signal: stop.signal, waitMs: 10_000 },
  );

  const posted: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    if (i === MESSAGES / 2) {
      await new Promise((r) => setTimeout(r, 200)); // the consumer is inside a long-poll
      await killed(relay.proc);
      // Posts during the outage are retried by the client until the relay is back.
      const restarting = startRelayProcess(membersFile, relay.port);
      const during = producer.post(['2'], utf8ToBytes(`m${i}`));
      relay = await restarting;
      await during;
      posted.push(`m${i}`);
      continue;
    }
    await producer.post(['2'], utf8ToBytes(`m${i}`));
    posted.push(`m${i}`);
  }
  await consuming;
  store.close();

  // Every message applied exactly once (duplicates, if any, were skipped by input id).
  expect([...new Set(delivered)].sort()).toEqual([...posted].sort());
  expect(delivered.slice(0, MESSAGES / 2)).toEqual(posted.slice(0, MESSAGES / 2));
  // The restarted process had a new token secret: the consumer authenticated again.
  expect(tokenRequests).toBeGreaterThanOrEqual(2);
  const after = await consumer.status();
  expect(after.depth).toBe(0);
  await killed(relay.proc);
}, 180_000);
