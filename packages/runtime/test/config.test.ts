import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envOverrides } from '../src/config/env-overrides.ts';
import { ConfigError, type ConfigErrorCode } from '../src/config/errors.ts';
import { formatKeyPath } from '../src/config/key-path.ts';
import { loadConfigFile } from '../src/config/load-config-file.ts';
import { resolveConfigPath } from '../src/config/resolve-config-path.ts';
import { tempDir } from './helpers.ts';

const SECRET = 'hunter2-not-in-errors';

// A configuration shaped like a signer's.
const Schema = z.strictObject({
  party: z.int().min(1),
  keystore: z.string().min(1),
  relay: z.strictObject({
    url: z.url(),
    pollWaitMs: z.int().min(0).default(25_000),
  }),
  stacks: z.strictObject({ rpcUrl: z.url(), network: z.enum(['devnet', 'testnet', 'mainnet']) }),
  api: z.strictObject({ port: z.int().min(0).max(65_535), host: z.string().default('127.0.0.1') }),
  peers: z.array(z.strictObject({ id: z.string(), url: z.url() })).default([]),
  logLevel: z.enum(['info', 'debug']).default('info'),
  tags: z.array(z.string()).optional(),
});

const GOOD = {
  party: 2,
  keystore: 'keys/operator.bin',
  relay: { url: 'http://127.0.0.1:9776' },
  stacks: { rpcUrl: 'http://127.0.0.1:20443', network: 'devnet' },
  api: { port: 8080 },
  peers: [{ id: 'a', url: 'http://a.example:1' }],
};

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function write(name: string, text: string): string {
  const path = join(t.dir, name);
  writeFileSync(path, text);
  return path;
}

async function loadError(
  path: string,
  env: NodeJS.ProcessEnv = {},
  schema: z.ZodType = Schema,
): Promise<ConfigError> {
  const err = await loadConfigFile(schema, { path, env, envPrefix: 'PEG_SIGNER' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

function expectCode(err: ConfigError, code: ConfigErrorCode, path: string): void {
  expect(err.code).toBe(code);
  expect(err.file).toBe(path);
  expect(err.message.startsWith(`${path}: `)).toBe(true);
}

describe('loadConfigFile', () => {
  it('reads and validates JSON, with the schema defaults', async () => {
    const path = write('signer.json', JSON.stringify(GOOD));
    const config = await loadConfigFile(Schema, { path, env: {}, envPrefix: 'PEG_SIGNER' });
    expect(config).toEqual({
      ...GOOD,
      relay: { url: 'http://127.0.0.1:9776', pollWaitMs: 25_000 },
      api: { port: 8080, host: '127.0.0.1' },
      logLevel: 'info',
    });
  });

  it('reads TOML to the same result, and a JSON file with a byte-order mark', async () => {
    const toml = write(
      'signer.toml',
      [
        'party = 2',
        'keystore = "keys/operator.bin"',
        '[relay]',
        'url = "http://127.0.0.1:9776"',
        '[stacks]',
        'rpcUrl = "http://127.0.0.1:20443"',
        'network = "devnet"',
        '[api]',
        'port = 8080',
        '[[peers]]',
        'id = "a"',
        'url = "http://a.example:1"',
      ].join('\n'),
    );
    const json = write('bom.JSON', `\uFEFF${JSON.stringify(GOOD)}`);
    const fromToml = await loadConfigFile(Schema, { path: toml });
    expect(fromToml).toEqual(await loadConfigFile(Schema, { path: json }));
    expect(fromToml.party).toBe(2);
  });

  it('applies PREFIX_SECTION__KEY overrides before validation, values as JSON or text', async () => {
    const path = write('signer.json', JSON.stringify(GOOD));
    const config = await loadConfigFile(Schema, {
      path,
      envPrefix: 'PEG_SIGNER',
      env: {
        PEG_SIGNER_RELAY__URL: 'http://relay.internal:9776', // not JSON: text
        PEG_SIGNER_RELAY__POLL_WAIT_MS: '1000', // JSON number
        PEG_SIGNER_STACKS__RPC_URL: '"http://stacks:20443"', // JSON string
        PEG_SIGNER_API: '{"port": 9000, "host": "0.0.0.0"}', // a whole table
        PEG_SIGNER_API__PORT: '9001', // applied after its parent (sorted by name)
        PEG_SIGNER_PEERS__0__URL: 'http://b.example:2', // array index
        PEG_SIGNER_TAGS: '["x","y"]',
        PEG_SIGNER_LOG_LEVEL: 'debug',
        PEG_RELAY_PORT: '1', // another prefix: ignored
        PEG_SIGNERX_PARTY: '9', // not PEG_SIGNER_: ignored
      },
    });
    expect(config.relay).toEqual({ url: 'http://relay.internal:9776', pollWaitMs: 1000 });
    expect(config.stacks.rpcUrl).toBe('http://stacks:20443');
    expect(config.api).toEqual({ port: 9001, host: '0.0.0.0' });
    expect(config.peers).toEqual([{ id: 'a', url: 'http://b.example:2' }]);
    expect(config.tags).toEqual(['x', 'y']);
    expect(config.logLevel).toBe('debug');
    expect(config.party).toBe(2);
    // Without a prefix the environment is not read.
    const plain = await loadConfigFile(Schema, { path, env: { PEG_SIGNER_PARTY: '7' } });
    expect(plain.party).toBe(2);
  });

  it('names the file and the key path of every problem, and the variable that set it', async () => {
    const path = write(
      'signer.json',
      JSON.stringify({
        ...GOOD,
        party: 0,
        relay: { url: 'not a url' },
        stacks: { rpcUrl: 'http://x:1', network: 'regtest' },
        peers: [
          { id: 'a', url: 'http://a.example:1' },
          { id: 3, url: 'http://b:1' },
        ],
        relai: {},
      }),
    );
    const err = await loadError(path, {
      PEG_SIGNER_API__PORT: '70000',
      PEG_SIGNER_APII__PORT: '1',
    });
    expectCode(err, 'invalid', path);
    const lines = err.message.split('\n');
    for (const line of lines) expect(line.startsWith(`${path}: `)).toBe(true);
    expect(err.issues.map((i) => [i.path, i.env])).toEqual(
      expect.arrayContaining([
        ['party', undefined],
        ['relay.url', undefined],
        ['stacks.network', undefined],
        ['api.port', 'PEG_SIGNER_API__PORT'],
        ['peers[1].id', undefined],
        ['relai', undefined],
        ['apii', 'PEG_SIGNER_APII__PORT'],
      ]),
    );
    expect(err.issues).toHaveLength(7);
    expect(lines).toContain(`${path}: relay.url: Invalid URL`);
    expect(lines).toContain(`${path}: relai: unknown key`);
    expect(lines).toContain(`${path}: apii (from PEG_SIGNER_APII__PORT): unknown key`);
    expect(lines.find((l) => l.includes('api.port'))).toMatch(
      /^.*signer\.json: api\.port \(from PEG_SIGNER_API__PORT\): .*65535/,
    );
  });

  it('a missing required key is named', async () => {
    const { api: _, ...noApi } = GOOD;
    const path = write('signer.json', JSON.stringify(noApi));
    const err = await loadError(path);
    expect(err.message).toBe(`${path}: api: Invalid input: expected object, received undefined`);
  });

  it('never shows a value found under a password/secret/token/key name', async () => {
    const Secretive = z.strictObject({
      relay: z.strictObject({
        authToken: z
          .string()
          .regex(/^[0-9a-f]{64}$/, { error: (i) => `bad token ${String(i.input)}` }),
      }),
      apiKey: z
        .string()
        .refine((v) => v.length > 100, { error: (i) => `too short: ${String(i.input)}` }),
      db: z.strictObject({ password: z.number() }),
      name: z
        .string()
        .refine((v) => v === 'ok', { error: (i) => `name ${String(i.input)} is wrong` }),
    });
    const path = write(
      'signer.json',
      JSON.stringify({
        relay: { authToken: SECRET },
        apiKey: `${SECRET}-2`,
        db: { password: `${SECRET}-3` },
        name: 'visible-name',
      }),
    );
    const err = await loadError(path, { PEG_SIGNER_KEY_STORE_SECRET: `"${SECRET}-4"` }, Secretive);
    expectCode(err, 'invalid', path);
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err.issues)).not.toContain(SECRET);
    expect(err.message).toContain(`${path}: relay.authToken: invalid value (message withheld`);
    expect(err.message).toContain(`${path}: apiKey: invalid value (message withheld`);
    expect(err.message).toContain('db.password: Invalid input: expected number, received string');
    // Values under other names are shown.
    expect(err.message).toContain(`${path}: name: name visible-name is wrong`);
    expect(err.message).toContain('keyStoreSecret (from PEG_SIGNER_KEY_STORE_SECRET): unknown key');
  });

  describe('distinct errors naming the file', () => {
    it('missing file', async () => {
      const path = join(t.dir, 'absent.json');
      const err = await loadError(path);
      expectCode(err, 'not-found', path);
      expect(err.message).toBe(`${path}: configuration file not found`);
    });

    it('unreadable: a directory, or no permission', async () => {
      const dir = join(t.dir, 'dir.json');
      mkdirSync(dir);
      const err = await loadError(dir);
      expectCode(err, 'unreadable', dir);
      expect(err.message).toContain('EISDIR');
      if (process.getuid?.() !== 0) {
        const path = write('locked.json', '{}');
        chmodSync(path, 0);
        const denied = await loadError(path);
        expectCode(denied, 'unreadable', path);
        expect(denied.message).toContain('EACCES');
      }
    });

    it('unsupported extension', async () => {
      const path = write('signer.yaml', 'party: 1');
      const err = await loadError(path);
      expectCode(err, 'unsupported-format', path);
      expect(err.message).toContain('.json or .toml');
    });

    const jsonCases: [string, string, string][] = [
      [
        'trailing comma',
        '{\n  "party": 1,\n}',
        'invalid JSON at line 3 column 1: Expected double-quoted property name',
      ],
      [
        'bare word (a secret would be quoted by V8)',
        `{\n  "password": ${SECRET}\n}`,
        'invalid JSON at line 2 column 15: Unexpected token',
      ],
      [
        'stray brace',
        '{"a": 1}}',
        'invalid JSON at line 1 column 9: Unexpected non-whitespace character after JSON',
      ],
      ['cut short', '{"relay": [1,', 'invalid JSON at line 1 column 14: unexpected end of input'],
      [
        'unterminated table',
        '{"relay": {"url": "http://x"',
        "invalid JSON at line 1 column 29: Expected ',' or '}' after property value",
      ],
      ['empty', '', 'invalid JSON at line 1 column 1: unexpected end of input'],
      ['bad escape', '{"a": "x\\q"}', 'invalid JSON at line 1 column 10: Bad escaped character'],
    ];
    for (const [name, text, expected] of jsonCases) {
      it(`invalid JSON: ${name}`, async () => {
        const path = write('signer.json', text);
        const err = await loadError(path);
        expectCode(err, 'syntax', path);
        expect(err.message).toBe(`${path}: ${expected}`);
        expect(err.message).not.toContain('hunter2');
      });
    }

    it('invalid TOML: line, column and reason, not the text', async () => {
      const path = write('signer.toml', `party = 1\npassword = ${SECRET}\n`);
      const err = await loadError(path);
      expectCode(err, 'syntax', path);
      expect(err.message).toBe(`${path}: invalid TOML at line 2 column 12: invalid value`);
      const dup = write('dup.toml', 'party = 1\nparty = 2\n');
      expect((await loadError(dup)).message).toMatch(
        /^.*dup\.toml: invalid TOML at line 2 column 1: /,
      );
      const proto = write('proto.toml', '[relay]\n__proto__ = 1\n');
      expect((await loadError(proto)).code).toBe('syntax');
    });

    it('bad override variable', async () => {
      const path = write('signer.json', JSON.stringify(GOOD));
      for (const name of [
        'PEG_SIGNER___PARTY',
        'PEG_SIGNER_RELAY____URL',
        'PEG_SIGNER_RELAY__URL_',
        'PEG_SIGNER_',
      ]) {
        const err = await loadError(path, { [name]: '1' });
        expectCode(err, 'bad-env', path);
        expect(err.message).toContain(name);
      }
      const below = await loadError(path, { PEG_SIGNER_PARTY__ID: '1' });
      expectCode(below, 'bad-env', path);
      expect(below.message).toContain('PEG_SIGNER_PARTY__ID');
      expect(below.message).toContain('below party');
      const past = await loadError(path, { PEG_SIGNER_PEERS__5__URL: 'x' });
      expect(past.message).toContain('index 5 is past the end');
      const root = write('list.json', '[1]');
      expect((await loadError(root, { PEG_SIGNER_PARTY: '1' })).code).toBe('bad-env');
    });
  });
});

describe('envOverrides', () => {
  it('maps names to camel-cased key paths, sorted', () => {
    expect(
      envOverrides(
        { P_B__X_Y_Z: 'a', P_A: '{"k":1}', P_C__0: 'null', P_D: '', Q_A: '1' },
        'P',
        'f.json',
      ),
    ).toEqual([
      { name: 'P_A', path: ['a'], value: { k: 1 } },
      { name: 'P_B__X_Y_Z', path: ['b', 'xYZ'], value: 'a' },
      { name: 'P_C__0', path: ['c', 0], value: null },
      { name: 'P_D', path: ['d'], value: '' },
    ]);
    // A prefix given with its underscore means the same.
    expect(envOverrides({ P_A: '1' }, 'P_', 'f.json')).toEqual(
      envOverrides({ P_A: '1' }, 'P', 'f.json'),
    );
  });
});

describe('resolveConfigPath and formatKeyPath', () => {
  it('resolves relative paths against the config file directory', () => {
    expect(resolveConfigPath('/etc/peg/signer.json', 'keys/op.bin')).toBe('/etc/peg/keys/op.bin');
    expect(resolveConfigPath('/etc/peg/signer.json', '../data/state.sqlite')).toBe(
      '/etc/data/state.sqlite',
    );
    expect(resolveConfigPath('/etc/peg/signer.json', '/var/keys.bin')).toBe('/var/keys.bin');
    expect(resolveConfigPath('conf/signer.json', 'k.bin')).toBe(
      join(process.cwd(), 'conf', 'k.bin'),
    );
  });

  it('formats key paths as written', () => {
    expect(formatKeyPath([])).toBe('');
    expect(formatKeyPath(['relay', 'url'])).toBe('relay.url');
    expect(formatKeyPath(['peers', 2, 'publicKey'])).toBe('peers[2].publicKey');
    expect(formatKeyPath(['labels', 'a.b'])).toBe('labels["a.b"]');
  });
});
