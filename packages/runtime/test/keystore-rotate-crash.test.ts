import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Keystore } from '../src/keystore/keystore.ts';
import { rng, TEST_SCRYPT, tempDir } from './helpers.ts';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'rotation password';
const KILLS = 8;

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/**
 * Runs the rotating child until its first rotation is done, lets it go on for `ms`, SIGKILLs it;
 * returns the keys it reported.
 */
async function runAndKill(path: string, ms: number): Promise<string[]> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@peg/source',
      '--import',
      'tsx',
      'test/keystore-rotate-crash-child.ts',
      path,
      PASSWORD,
    ],
    { cwd: PKG_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('rotated')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before rotating: ${stderr}`)),
    );
  });
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  await exited;
  expect(child.signalCode).toBe('SIGKILL');
  return [...stdout.matchAll(/^rotated ([0-9a-f]{64})$/gm)].map((m) => m[1]!);
}

it(`identity rotation killed with SIGKILL ${KILLS} times leaves the old or the new file`, async () => {
  const path = join(t.dir, 'keystore.bin');
  const created = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
  const stacks = bytesToHex(created.stacksSecretKey());
  const state = bytesToHex(created.stateKey());
  const seed = Number(process.env.PEG_CRASH_SEED ?? 1);
  const random = rng(seed);
  let current = created.publicInfo().identityKey;
  const seen = new Set([current]);
  let rotations = 0;
  let inFlight = 0;
  for (let k = 0; k < KILLS; k++) {
    const reported = await runAndKill(path, Math.floor(random() * 200));
    rotations += reported.length;
    // Opens with the password: never torn, truncated or mixed.
    const ks = await Keystore.open(path, PASSWORD);
    const { identityKey } = ks.publicInfo();
    expect(bytesToHex(ks.stacksSecretKey()), `seed ${seed}, kill ${k}`).toBe(stacks);
    expect(bytesToHex(ks.stateKey())).toBe(state);
    // The last completed rotation, or the one in flight (renamed, not yet reported): never
    // an older key.
    const last = reported.at(-1) ?? current;
    for (const key of reported) seen.add(key);
    if (identityKey !== last) {
      expect(seen.has(identityKey), `seed ${seed}, kill ${k}`).toBe(false);
      inFlight++;
    }
    seen.add(identityKey);
    current = identityKey;
  }
  expect(rotations).toBeGreaterThanOrEqual(KILLS);
  // What a kill can leave besides the keystore: the temporary file of the write in flight.
  for (const name of readdirSync(t.dir)) {
    expect(name === 'keystore.bin' || /^\.keystore\.bin\.[0-9a-f]{12}\.tmp$/.test(name)).toBe(true);
  }
  console.log(
    `keystore rotation crash test: ${KILLS} kills, ${rotations} rotations, ${inFlight} kills between rename and report (seed ${seed})`,
  );
}, 180_000);
