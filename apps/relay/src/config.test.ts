import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from './config.ts';
import { parseStoreSpec } from './store/open.ts';

describe('CLI configuration', () => {
  it('has defaults, flags win over environment', () => {
    const r = parseCli(['--members', 'm.json'], {});
    expect(r).toMatchObject({
      help: false,
      config: {
        host: '127.0.0.1',
        port: 9776,
        members: resolve('m.json'),
        store: { kind: 'sqlite', file: resolve('data/relay.sqlite') },
        compat: false,
      },
    });
    const e = parseCli(['--port', '1234'], {
      PEG_RELAY_PORT: '99',
      PEG_RELAY_MEMBERS: 'x.json',
      PEG_RELAY_STORE: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      PEG_RELAY_COMPAT: '1',
      PEG_RELAY_SQLITE_CHECKPOINT_BYTES: '4096',
    });
    expect(e).toMatchObject({
      config: {
        port: 1234,
        members: resolve('x.json'),
        compat: true,
        sqliteCheckpointBytes: 4096,
        store: { kind: 'jetstream', servers: ['127.0.0.1:4222', '127.0.0.1:4223'] },
      },
    });
    expect(parseCli(['--help'], {})).toEqual({ help: true });
    // As passed by `pnpm --filter @peg/relay start -- --help`.
    expect(parseCli(['--', '--help'], {})).toEqual({ help: true });
  });
  it('resolves relative paths against the caller directory (INIT_CWD under pnpm), else cwd', () => {
    // `pnpm --filter @peg/relay start -- --members members.json` run from /repo: pnpm runs the
    // script in /repo/apps/relay and sets INIT_CWD=/repo.
    const pnpm = parseCli(
      ['--', '--members', 'members.json', '--store', 'sqlite:data/r.sqlite'],
      { INIT_CWD: '/repo' },
      '/repo/apps/relay',
    );
    expect(pnpm).toMatchObject({
      config: { members: '/repo/members.json', store: { file: '/repo/data/r.sqlite' } },
    });
    const defaults = parseCli(['--members', '../m.json'], {}, '/srv/relay');
    expect(defaults).toMatchObject({
      config: { members: '/srv/m.json', store: { file: '/srv/relay/data/relay.sqlite' } },
    });
    const absolute = parseCli(['--members', '/etc/peg/m.json'], { INIT_CWD: '/repo' }, '/x');
    expect(absolute).toMatchObject({ config: { members: '/etc/peg/m.json' } });
  });
  it('fails fast with readable messages', () => {
    expect(() => parseCli([], {})).toThrow(/--members/);
    expect(() => parseCli(['--compat', '--port', 'x'], {})).toThrow(/port/);
    expect(() => parseCli(['--compat', '--store', 'redis://x'], {})).toThrow(
      /sqlite:<file> or nats/,
    );
    expect(() => parseCli(['--bogus'], {})).toThrow();
    expect(() => parseCli(['--compat', '--token-secret', 'abc'], {})).toThrow(/token secret/);
  });
  it('takes membership from the chain: node URL, registry address, name, network, interval', () => {
    const deployer = 'ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM';
    expect(
      parseCli(['--members-from-chain', 'http://127.0.0.1:20443', '--contracts', deployer], {}),
    ).toMatchObject({
      config: {
        membersFromChain: 'http://127.0.0.1:20443',
        contracts: deployer,
        registry: 'sbtc-registry',
        stacksNetwork: 'devnet',
        chainIntervalMs: 2_000,
      },
    });
    const env = parseCli(['--chain-interval', '500'], {
      PEG_RELAY_MEMBERS_FROM_CHAIN: 'https://stacks.example:20443',
      PEG_RELAY_CONTRACTS: deployer,
      PEG_RELAY_REGISTRY: 'my-registry',
      PEG_RELAY_STACKS_NETWORK: 'testnet',
      PEG_RELAY_CHAIN_INTERVAL_MS: '9',
      PEG_RELAY_FEDERATION: 'fed1',
    });
    expect(env).toMatchObject({
      config: {
        membersFromChain: 'https://stacks.example:20443',
        registry: 'my-registry',
        stacksNetwork: 'testnet',
        chainIntervalMs: 500,
        federation: 'fed1',
      },
    });
    expect(() => parseCli(['--members-from-chain', 'http://127.0.0.1:1'], {})).toThrow(
      /--contracts/,
    );
    expect(() =>
      parseCli(
        ['--members', 'm.json', '--members-from-chain', 'http://x:1', '--contracts', deployer],
        {},
      ),
    ).toThrow(/not both/);
    expect(() =>
      parseCli(['--members-from-chain', 'ftp://x', '--contracts', deployer], {}),
    ).toThrow(/membersFromChain/);
    expect(() =>
      parseCli(['--members-from-chain', 'http://x:1', '--contracts', 'not-an-address'], {}),
    ).toThrow(/contracts/);
    expect(() =>
      parseCli(
        ['--members-from-chain', 'http://x:1', '--contracts', deployer, '--stacks-network', 'x'],
        {},
      ),
    ).toThrow(/stacksNetwork/);
  });
  it('parses store specs', () => {
    expect(parseStoreSpec('sqlite:/tmp/a.db')).toEqual({ kind: 'sqlite', file: '/tmp/a.db' });
    expect(() => parseStoreSpec('sqlite:')).toThrow();
    expect(() => parseStoreSpec('nats://h')).toThrow();
  });
  it('never echoes credentials of a malformed nats spec', () => {
    let message = '';
    try {
      parseStoreSpec('nats://relay:hunter2@h');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not nats:/);
    expect(message).not.toContain('hunter2');
  });
});
