import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli.ts';

describe('cli', () => {
  it('has the documented defaults', () => {
    expect(parseCli([])).toMatchObject({
      stacksPort: 20443,
      bitcoinPort: 18443,
      dataDir: undefined,
      blockIntervalMs: 0,
      rpcUser: 'devnet',
      rpcPassword: 'devnet',
      help: false,
    });
  });

  it('reads every flag, and ignores the "--" pnpm passes through', () => {
    const o = parseCli([
      '--',
      '--stacks-port',
      '0',
      '--bitcoin-port',
      '1',
      '--data',
      '/tmp/x',
      '--block-interval',
      '250',
      '--rpc-user',
      'u',
      '--rpc-password',
      'p',
      '--fee-rate',
      '3.5',
    ]);
    expect(o).toMatchObject({
      stacksPort: 0,
      bitcoinPort: 1,
      dataDir: '/tmp/x',
      blockIntervalMs: 250,
      rpcUser: 'u',
      rpcPassword: 'p',
      feeRate: 3.5,
    });
    expect(parseCli(['--help']).help).toBe(true);
  });

  it('names the bad flag', () => {
    expect(() => parseCli(['--stacks-port', '70000'])).toThrow(/--stacks-port/);
    expect(() => parseCli(['--block-interval', '-5'])).toThrow();
    expect(() => parseCli(['--rpc-password', ''])).toThrow(/--rpc-password/);
    expect(() => parseCli(['--nope'])).toThrow(/nope/);
  });
});
