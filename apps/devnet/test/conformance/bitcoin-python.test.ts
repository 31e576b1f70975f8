// The devnet's Bitcoin RPC through python-bitcoinlib (Debian python3-bitcoinlib, installed by
// scripts/setup.sh): `bitcoin_rpc_check.py` talks to a devnet started here on a loopback port
// picked by the system and exits non-zero on the first answer that python-bitcoinlib
// disagrees with.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../../src/devnet.ts';

// Debian's interpreter: the modules of python3-bitcoinlib are installed for it, not for a
// python3 found first on the PATH.
const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./bitcoin_rpc_check.py', import.meta.url));
const manifestPath = fileURLToPath(new URL('../fixtures/clarity/Clarinet.toml', import.meta.url));

let devnet: Devnet;

beforeAll(async () => {
  devnet = await startDevnet({ manifestPath, rpcUser: 'py', rpcPassword: 'check' });
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

describe('bitcoin rpc conformance (python-bitcoinlib)', () => {
  it('python-bitcoinlib reads, signs, sends and checks through the devnet RPC', async () => {
    const { hostname, port } = new URL(devnet.bitcoin.url);
    const url = `http://py:check@${hostname}:${port}`;
    const run = promisify(execFile);
    const result = await run(PYTHON, [script, url], { timeout: 60_000 }).catch(
      (err: { code?: number; stdout?: string; stderr?: string }) => err,
    );
    const { stdout = '', stderr = '' } = result;
    expect(stderr, stdout).toBe('');
    expect(stdout).toContain('all checks passed');
  }, 90_000);
});
