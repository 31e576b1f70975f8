import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  broadcastTransaction,
  Cl,
  makeContractCall,
  PostConditionMode,
} from '@stacks/transactions';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevnet } from '../src/devnet.ts';
import { WALLET_1_KEY } from './stacks-keys.ts';

const fixture = new URL('./fixtures/clarity/', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('data folder', () => {
  it('restores both chains after a restart', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const manifestPath = join(fixture, 'Clarinet.toml');
    const first = await startDevnet({ manifestPath, dataDir });
    const client = { baseUrl: first.stacksUrl };
    const tx = await makeContractCall({
      contractAddress: first.deployer,
      contractName: 'counter',
      functionName: 'increment',
      functionArgs: [Cl.uint(3)],
      senderKey: WALLET_1_KEY,
      network: 'devnet',
      nonce: 0,
      fee: 1000,
      postConditionMode: PostConditionMode.Allow,
    });
    await broadcastTransaction({ transaction: tx, network: 'devnet', client });
    // The STX faucet's transfer is mined at once, ahead of the pending call, and replayed so.
    const stxRecipient = 'ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG';
    const stxFaucet = first.chains.faucetStx(stxRecipient, 777n);
    const someTaprootScript = new Uint8Array([0x51, 0x20, ...new Uint8Array(32).fill(9)]);
    const funded = first.chains.faucet(someTaprootScript, 12_345n);
    first.mine(2);
    // A pending transaction at shutdown is kept too.
    const pending = await makeContractCall({
      contractAddress: first.deployer,
      contractName: 'counter',
      functionName: 'increment',
      functionArgs: [Cl.uint(4)],
      senderKey: WALLET_1_KEY,
      network: 'devnet',
      nonce: 1,
      fee: 1000,
      postConditionMode: PostConditionMode.Allow,
    });
    await broadcastTransaction({ transaction: pending, network: 'devnet', client });
    const before = {
      height: first.chains.ledger.height,
      tip: first.chains.ledger.tip.hash,
      stacks: first.chains.chain.simnet.blockHeight,
      status: first.chains.chain.transaction(tx.txid())?.status,
    };
    await first.stop();

    const second = await startDevnet({ manifestPath, dataDir });
    try {
      expect(second.chains.ledger.height).toBe(before.height);
      expect(second.chains.ledger.tip.hash).toBe(before.tip);
      expect(second.chains.chain.simnet.blockHeight).toBe(before.stacks);
      expect(second.chains.chain.transaction(tx.txid())?.status).toBe('success');
      expect(second.chains.chain.transaction(pending.txid())?.status).toBe('pending');
      expect(second.chains.chain.transaction(stxFaucet.txid)?.status).toBe('success');
      expect(second.chains.chain.stxBalance(stxRecipient)).toBe(777n);
      expect(second.chains.chain.stxTotals(stxRecipient)).toEqual({
        sent: 0n,
        received: 777n,
        fees: 0n,
      });
      expect(second.chains.ledger.transaction(funded.txid)?.blockHash).toBeDefined();
      second.mine(1);
      expect(second.chains.chain.transaction(pending.txid())?.status).toBe('success');
    } finally {
      await second.stop();
    }
  });

  it('refuses a data folder made with other contract sources', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const project = tempDir();
    cpSync(fixture, project, { recursive: true });
    const manifestPath = join(project, 'Clarinet.toml');
    const a = await startDevnet({ manifestPath, dataDir });
    await a.stop();
    writeFileSync(join(project, 'contracts/counter.clar'), '(define-read-only (changed) u1)\n');
    await expect(startDevnet({ manifestPath, dataDir })).rejects.toThrow(/other contract sources/);
  });

  it('a change that cannot be journaled is not acknowledged, and the devnet halts', {
    timeout: 120_000,
  }, async () => {
    const dataDir = tempDir();
    const manifestPath = join(fixture, 'Clarinet.toml');
    const devnet = await startDevnet({ manifestPath, dataDir });
    try {
      devnet.mine(1);
      const height = devnet.chains.ledger.height;
      // The journal can no longer be written (a directory where the file was).
      const path = join(dataDir, 'journal.jsonl');
      rmSync(path);
      mkdirSync(path);
      expect(() => devnet.mine(1)).toThrow(/devnet halted: journal write failed/);
      expect(devnet.chains.halted).toMatch(/journal write failed/);
      // Nothing more is accepted: memory is ahead of the journal.
      expect(() => devnet.mine(1)).toThrow(/restart it to recover from its journal/);
      expect(() => devnet.chains.faucetStx(devnet.deployer, 1n)).toThrow(/devnet halted/);
      expect(devnet.chains.ledger.height).toBe(height + 1);
      const res = await fetch(`${devnet.stacksUrl}/v2/info`);
      expect(res.status).toBe(200); // reads still answer
    } finally {
      await devnet.stop();
    }
  });
});
