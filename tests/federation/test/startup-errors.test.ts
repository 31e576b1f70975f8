// Issue 13: "Wrong password, tampered keystore, bad config key, unreachable relay or chain: a
// clear error naming it, non-zero exit, nothing written" — `peg-signer start` and
// `peg-coordinator start` run as processes. Exit codes: 2 for how the process was started (the
// configuration file, its env overrides, the password variables or file, an unknown command or
// option), 1 for the rest (wrong password, damaged or missing keystore, a node or the relay not
// answering). Also `--help` of every command and `peg-signer init`.
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorProgram } from '@peg/coordinator';
import { type Devnet, startDevnet } from '@peg/devnet';
import { Keystore } from '@peg/runtime';
import { signerProgram } from '@peg/signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/federation.ts';
import {
  copyOperator,
  editJson,
  type InitOutput,
  initOperator,
  snapshotDir,
} from './harness/operator-dir.ts';
import { CliProcess, killAll, runCli } from './harness/process.ts';

const PASSWORD = 'startup-errors: correct horse battery';
const WRONG = 'startup-errors: wrong horse battery';
const CONTRACTS = 'ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM';

type App = 'signer' | 'coordinator';
const CONFIG: Record<App, string> = { signer: 'signer.json', coordinator: 'coordinator.json' };
const DATA_DIR: Record<App, string> = { signer: 'data', coordinator: 'coordinator-data' };
const ENV_PREFIX: Record<App, string> = { signer: 'PEG_SIGNER', coordinator: 'PEG_COORDINATOR' };

/** Loopback URLs where nothing listens (ports just freed). */
let closed: { bitcoin: string; stacks: string; relay: string };
let base: string;
/** The operator directory every test copies: init's output, its data folder removed. */
let template: string;
let init: { code: number | null; stdout: string; stderr: string };
let initOut: InitOutput;
/** Hex of every secret key in the keystore: no output may contain one. */
let secrets: string[];

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'peg-startup-errors-'));
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [b, s, r] = [...ports].map((p) => `http://127.0.0.1:${p}`) as [string, string, string];
  closed = { bitcoin: b, stacks: s, relay: r };
  template = join(base, 'operator');
  init = await initOperator(template, PASSWORD, { ...closed, contracts: CONTRACTS });
  if (init.code !== 0) throw new Error(`peg-signer init failed: ${init.stderr}`);
  initOut = JSON.parse(init.stdout) as InitOutput;
  const signerConfig = JSON.parse(readFileSync(initOut.config, 'utf8')) as object;
  writeFileSync(
    join(template, CONFIG.coordinator),
    JSON.stringify({ ...signerConfig, dataDir: DATA_DIR.coordinator }, null, 2),
  );
  // `start` makes its data folder only once every check passed: without one, a failed start
  // must leave none.
  rmSync(join(template, DATA_DIR.signer), { recursive: true });
  const ks = await Keystore.open(initOut.keystore, PASSWORD);
  secrets = [ks.identitySecretKey(), ks.stacksSecretKey(), ks.stateKey()].map((k) =>
    Buffer.from(k).toString('hex'),
  );
  ks.wipe();
});

afterAll(async () => {
  await killAll();
  if (base) rmSync(base, { recursive: true, force: true });
});

const start = (app: App, dir: string, env: NodeJS.ProcessEnv = {}, config = CONFIG[app]) =>
  runCli(app, ['start', '--config', join(dir, config)], {
    PEG_KEYSTORE_PASSWORD: PASSWORD,
    PEG_KEYSTORE_PASSWORD_FILE: '',
    ...env,
  });

/**
 * Starts `app` on `dir` and expects a refusal: exit `code`, one line on stderr naming each of
 * `names`, no secret in any output, the directory unchanged (bytes and modes) and no data folder.
 */
async function expectRefused(
  app: App,
  dir: string,
  expected: { code: 1 | 2; names: (string | RegExp)[]; env?: NodeJS.ProcessEnv; config?: string },
): Promise<string> {
  const before = snapshotDir(dir);
  const r = await start(app, dir, expected.env, expected.config);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line).toMatch(/^error: /);
  for (const name of expected.names)
    typeof name === 'string' ? expect(line).toContain(name) : expect(line).toMatch(name);
  expect(r.code, line).toBe(expected.code);
  for (const secret of [PASSWORD, WRONG, ...secrets]) {
    expect(r.stderr).not.toContain(secret);
    expect(r.stdout).not.toContain(secret);
  }
  expect(snapshotDir(dir)).toEqual(before);
  expect(existsSync(join(dir, DATA_DIR[app]))).toBe(false);
  return line;
}

/** Flips one byte of the file at `offset`. */
function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0x01;
  writeFileSync(path, bytes);
}

describe.each(['signer', 'coordinator'] as const)('peg-%s start refuses', (app) => {
  const configOf = (dir: string) => join(dir, CONFIG[app]);

  describe('a keystore password it cannot use', () => {
    it('a wrong password: exit 1, names the keystore file', async () => {
      const dir = copyOperator(template);
      await expectRefused(app, dir, {
        code: 1,
        names: ['keystore', join(dir, 'keystore.peg'), 'wrong keystore password'],
        env: { PEG_KEYSTORE_PASSWORD: WRONG },
      });
    });

    it('no password variable: exit 2, names both variables', async () => {
      await expectRefused(app, copyOperator(template), {
        code: 2,
        names: ['PEG_KEYSTORE_PASSWORD', 'PEG_KEYSTORE_PASSWORD_FILE'],
        env: { PEG_KEYSTORE_PASSWORD: '' },
      });
    });

    it('both password variables: exit 2, says to set one', async () => {
      const dir = copyOperator(template);
      const file = join(dir, '..', 'password');
      writeFileSync(file, PASSWORD);
      await expectRefused(app, dir, {
        code: 2,
        names: ['PEG_KEYSTORE_PASSWORD', 'PEG_KEYSTORE_PASSWORD_FILE', 'not both'],
        env: { PEG_KEYSTORE_PASSWORD_FILE: file },
      });
    });

    it('a password file that does not exist: exit 2, names the file', async () => {
      const dir = copyOperator(template);
      const file = join(dir, '..', 'no-such-password-file');
      await expectRefused(app, dir, {
        code: 2,
        names: [file, 'ENOENT'],
        env: { PEG_KEYSTORE_PASSWORD: '', PEG_KEYSTORE_PASSWORD_FILE: file },
      });
    });

    it('the password from its file opens the keystore (then the closed Bitcoin port stops it)', async () => {
      const dir = copyOperator(template);
      const file = join(dir, '..', 'password');
      writeFileSync(file, `${PASSWORD}\n`);
      await expectRefused(app, dir, {
        code: 1,
        names: [/^error: bitcoin: /, closed.bitcoin],
        env: { PEG_KEYSTORE_PASSWORD: '', PEG_KEYSTORE_PASSWORD_FILE: file },
      });
    });
  });

  describe('a damaged keystore (exit 1, names the file)', () => {
    it('one byte of the encrypted body flipped', async () => {
      const dir = copyOperator(template);
      flipByte(join(dir, 'keystore.peg'), 117 + 5);
      await expectRefused(app, dir, {
        code: 1,
        names: ['keystore', join(dir, 'keystore.peg'), 'modified'],
      });
    });

    it('one byte of the header flipped (the salt)', async () => {
      const dir = copyOperator(template);
      flipByte(join(dir, 'keystore.peg'), 13);
      await expectRefused(app, dir, {
        code: 1,
        names: ['keystore', join(dir, 'keystore.peg'), 'header'],
      });
    });

    it('truncated', async () => {
      const dir = copyOperator(template);
      truncateSync(join(dir, 'keystore.peg'), 150);
      await expectRefused(app, dir, {
        code: 1,
        names: ['keystore', join(dir, 'keystore.peg'), 'truncated'],
      });
    });

    it('missing', async () => {
      const dir = copyOperator(template);
      rmSync(join(dir, 'keystore.peg'));
      await expectRefused(app, dir, {
        code: 1,
        names: ['keystore', join(dir, 'keystore.peg'), 'ENOENT'],
      });
    });
  });

  describe('a configuration it cannot use (exit 2, names the file and the key)', () => {
    it('an unknown key', async () => {
      const dir = copyOperator(template);
      editJson(configOf(dir), (c) => ({ ...c, relay: { ...(c.relay as object), urll: 'x' } }));
      await expectRefused(app, dir, {
        code: 2,
        names: [configOf(dir), 'relay.urll', 'unknown key'],
      });
    });

    it('a bad value', async () => {
      const dir = copyOperator(template);
      editJson(configOf(dir), (c) => ({
        ...c,
        relay: { ...(c.relay as object), url: 'not a url' },
      }));
      await expectRefused(app, dir, { code: 2, names: [configOf(dir), 'relay.url', 'URL'] });
    });

    it('a bad environment override', async () => {
      const variable = `${ENV_PREFIX[app]}_RELAY__URL`;
      const dir = copyOperator(template);
      await expectRefused(app, dir, {
        code: 2,
        names: [configOf(dir), 'relay.url', variable],
        env: { [variable]: 'nope' },
      });
    });

    it('a missing file', async () => {
      const dir = copyOperator(template);
      await expectRefused(app, dir, {
        code: 2,
        names: [join(dir, 'absent.json'), 'not found'],
        config: 'absent.json',
      });
    });

    it('invalid JSON', async () => {
      const dir = copyOperator(template);
      writeFileSync(configOf(dir), '{ "network": "regtest",\n  "keystore": }\n');
      await expectRefused(app, dir, { code: 2, names: [configOf(dir), /line 2/] });
    });
  });

  it('the Bitcoin node, the first thing checked, not answering: exit 1, names it and its URL', async () => {
    await expectRefused(app, copyOperator(template), {
      code: 1,
      names: [/^error: bitcoin: the Bitcoin node at /, closed.bitcoin, 'not reachable'],
    });
  });
});

describe('with a devnet: each unreachable endpoint is named, and the data folder comes last', () => {
  let devnet: Devnet;
  let rpcPasswordFile: string;

  beforeAll(async () => {
    devnet = await startDevnet({});
    rpcPasswordFile = join(base, 'bitcoin-rpc-password');
    writeFileSync(rpcPasswordFile, devnet.bitcoin.password, { mode: 0o600 });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  /** A copy of the operator whose configurations point at the devnet and at `relay`. */
  function operatorFor(endpoints: { stacks: string; relay: string }): string {
    const dir = copyOperator(template);
    for (const app of ['signer', 'coordinator'] as const)
      editJson(join(dir, CONFIG[app]), (c) => ({
        ...c,
        relay: { ...(c.relay as object), url: endpoints.relay },
        bitcoin: {
          ...(c.bitcoin as object),
          rpcUrl: devnet.bitcoin.url,
          rpcUser: devnet.bitcoin.user,
          rpcPasswordFile,
        },
        stacks: {
          ...(c.stacks as object),
          nodeUrl: endpoints.stacks,
          contractsAddress: devnet.deployer,
        },
      }));
    return dir;
  }

  for (const app of ['signer', 'coordinator'] as const) {
    it(`peg-${app}: the Stacks node not answering (Bitcoin does): exit 1, names it`, async () => {
      await expectRefused(app, operatorFor({ stacks: closed.stacks, relay: closed.relay }), {
        code: 1,
        names: [/^error: stacks: the Stacks node at /, closed.stacks, 'not reachable'],
      });
    });

    it(`peg-${app}: the relay not answering (both chains do): exit 1, names it`, async () => {
      await expectRefused(app, operatorFor({ stacks: devnet.stacksUrl, relay: closed.relay }), {
        code: 1,
        names: [/^error: relay: the relay at /, closed.relay, 'not reachable'],
      });
    });
  }

  it('with all three answering, each process makes its data folder (0700) and runs', async () => {
    const relayPort = await freePort();
    const relay = new CliProcess(
      'relay',
      'relay',
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(relayPort),
        '--federation',
        'devnet',
        '--members-from-chain',
        devnet.stacksUrl,
        '--contracts',
        devnet.deployer,
        '--store',
        `sqlite:${join(base, 'relay.sqlite')}`,
      ],
      { PEG_RELAY_LOG_LEVEL: '' },
    );
    try {
      await relay.waitFor((l) => l.msg === 'relay listening', 60_000);
      const dir = operatorFor({ stacks: devnet.stacksUrl, relay: `http://127.0.0.1:${relayPort}` });
      for (const app of ['signer', 'coordinator'] as const) {
        expect(existsSync(join(dir, DATA_DIR[app]))).toBe(false);
        const p = new CliProcess(app, app, ['start', '--config', join(dir, CONFIG[app])], {
          PEG_KEYSTORE_PASSWORD: PASSWORD,
          PEG_KEYSTORE_PASSWORD_FILE: '',
        });
        try {
          await p.waitFor((l) => /relay answer/.test(String(l.msg)), 60_000);
          expect(statSync(join(dir, DATA_DIR[app])).mode & 0o777).toBe(0o700);
        } finally {
          await p.stop();
        }
        for (const secret of [PASSWORD, ...secrets]) {
          expect(p.stderr).not.toContain(secret);
          expect(JSON.stringify(p.lines)).not.toContain(secret);
        }
      }
    } finally {
      await relay.stop();
    }
  });
});

describe.each([
  ['signer', signerProgram()],
  ['coordinator', coordinatorProgram()],
] as const)('peg-%s usage', (app, program) => {
  it('--help lists every command; exit 0', async () => {
    const r = await runCli(app, ['--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: peg-${app}`);
    expect(program.commands.length).toBeGreaterThan(0);
    for (const c of program.commands) expect(r.stdout).toContain(c.name());
  });

  for (const command of program.commands) {
    it(`${command.name()} --help lists its options; exit 0`, async () => {
      const r = await runCli(app, [command.name(), '--help'], {});
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: peg-${app} ${command.name()}`);
      const visible = command.options.filter((o) => !o.hidden);
      expect(visible.length).toBeGreaterThan(0);
      for (const o of visible) expect(r.stdout).toContain(o.long!);
    });
  }

  it('an unknown command: exit 2, names it', async () => {
    const r = await runCli(app, ['frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('an unknown option: exit 2, names it', async () => {
    const r = await runCli(app, ['start', '--config', 'x.json', '--frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it('a required option missing: exit 2, names it', async () => {
    const r = await runCli(app, ['start'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config');
  });
});

describe('peg-signer init', () => {
  const urls = () => ({ ...closed, contracts: CONTRACTS });
  const oneLine = (stderr: string) => {
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(lines, stderr).toHaveLength(1);
    return lines[0]!;
  };

  it('creates keystore, token and signer.json (0600) and folders (0700); prints keys, not the password', async () => {
    const dir = join(mkdtempSync(join(base, 'init-')), 'new');
    const r = await initOperator(dir, PASSWORD, urls());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(PASSWORD);
    const out = JSON.parse(r.stdout) as InitOutput;
    expect(out.stacksAddress).toMatch(/^ST[0-9A-Z]{38,40}$/);
    expect(out.messagingKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.stacksPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(out.config).toBe(join(dir, 'signer.json'));
    expect(out.keystore).toBe(join(dir, 'keystore.peg'));
    const mode = (p: string) => statSync(join(dir, p)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('data')).toBe(0o700);
    for (const f of ['keystore.peg', 'api-token', 'signer.json']) expect(mode(f)).toBe(0o600);
    expect(readFileSync(out.config, 'utf8')).not.toContain(PASSWORD);
    // The printed keys are the keystore's.
    const ks = await Keystore.open(out.keystore, PASSWORD);
    expect(ks.publicInfo().identityKey).toBe(out.messagingKey);
    expect(ks.publicInfo().stacksPublicKey).toBe(out.stacksPublicKey);
    ks.wipe();
  });

  it('refuses an existing keystore: exit 1, names it, changes nothing', async () => {
    const dir = copyOperator(template);
    const before = snapshotDir(dir);
    const r = await initOperator(dir, PASSWORD, urls());
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toContain(join(dir, 'keystore.peg'));
    expect(line).toContain('already exists');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses an existing signer.json even with no keystore: writes no keystore', async () => {
    const dir = copyOperator(template);
    rmSync(join(dir, 'keystore.peg'));
    rmSync(join(dir, 'api-token'));
    const before = snapshotDir(dir);
    const r = await initOperator(dir, PASSWORD, urls());
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain(join(dir, 'signer.json'));
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a bad flag value: exit 2, names the flag, creates nothing', async () => {
    const dir = join(mkdtempSync(join(base, 'init-')), 'new');
    const r = await initOperator(dir, PASSWORD, { ...urls(), relay: 'nope' });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^error: --relay-url: /);
    expect(existsSync(dir)).toBe(false);
  });

  it('no password: exit 2, names the variables, creates nothing', async () => {
    const dir = join(mkdtempSync(join(base, 'init-')), 'new');
    const r = await initOperator(dir, '', urls());
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('PEG_KEYSTORE_PASSWORD');
    expect(existsSync(dir)).toBe(false);
  });
});
