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
        store: { kind: 'sqlite', file: './data/relay.sqlite' },
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
        members: 'x.json',
        compat: true,
        sqliteCheckpointBytes: 4096,
        store: { kind: 'jetstream', servers: ['127.0.0.1:4222', '127.0.0.1:4223'] },
      },
    });
    expect(parseCli(['--help'], {})).toEqual({ help: true });
    // As passed by `pnpm --filter @peg/relay start -- --help`.
    expect(parseCli(['--', '--help'], {})).toEqual({ help: true });
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
