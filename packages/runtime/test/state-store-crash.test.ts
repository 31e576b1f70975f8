import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '@noble/hashes/utils.js';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StateStore } from '../src/store/state-store.ts';
import { rng, tempDir } from './helpers.ts';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
const KEY = new Uint8Array(32).fill(9);
const KILLS = 8;

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** Runs the child until it reports ready, lets it commit for `ms`, then SIGKILLs it. */
async function runAndKill(path: string, ms: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@peg/source',
      '--import',
      'tsx',
      'test/state-store-crash-child.ts',
      path,
      bytesToHex(KEY),
    ],
    { cwd: PKG_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before ready: ${stderr}`)),
    );
  });
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  await exited;
  expect(child.signalCode).toBe('SIGKILL');
}

/** Every table agrees on one step count n: no half step. */
function checkWholeSteps(path: string): number {
  const store = StateStore.open(path, { stateKey: KEY });
  const loaded = store.load<{ n: number }>();
  store.close();
  const n = loaded.version;
  expect(loaded.state?.n ?? 0).toBe(n);
  const parity = n % 2 ? 'odd' : 'even';
  expect(loaded.timers).toEqual(n === 0 ? {} : { step: n, [parity]: n });
  const db = new Database(path, { readonly: true });
  try {
    const outbox = db.prepare('SELECT envelope, step_version FROM outbox ORDER BY seq').all() as {
      envelope: Buffer;
      step_version: number;
    }[];
    expect(outbox.map((r) => r.envelope.toString())).toEqual(
      Array.from({ length: n }, (_, i) => `msg-${i + 1}`),
    );
    const inputs = db
      .prepare('SELECT input_id FROM processed_inputs ORDER BY step_version')
      .pluck()
      .all();
    expect(inputs).toEqual(Array.from({ length: n }, (_, i) => `in-${i + 1}`));
  } finally {
    db.close();
  }
  return n;
}

it(`a process killed with SIGKILL ${KILLS} times mid-commit never leaves half a step`, async () => {
  const path = join(t.dir, 'state.sqlite');
  const seed = Number(process.env.PEG_CRASH_SEED ?? 1);
  const random = rng(seed);
  let previous = 0;
  for (let k = 0; k < KILLS; k++) {
    await runAndKill(path, 50 + Math.floor(random() * 250));
    const n = checkWholeSteps(path);
    // Never backwards: a committed step survives every later kill.
    expect(n, `seed ${seed}, kill ${k}`).toBeGreaterThanOrEqual(previous);
    previous = n;
  }
  expect(previous).toBeGreaterThan(KILLS);
  console.log(`state store crash test: ${KILLS} kills, ${previous} steps committed (seed ${seed})`);
}, 180_000);
