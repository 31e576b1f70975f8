import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRelayRequest } from '@peg/wire';
import { membersFile, secretKey } from './helpers.ts';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

export const TOKEN_SECRET = '7e'.repeat(32);

/** Writes the test members file (parties 1..n, federation `crash`) into `dir`. */
export function writeMembers(dir: string, n = 3, federation = 'crash'): string {
  const file = join(dir, 'members.json');
  writeFileSync(file, JSON.stringify(membersFile(n, federation)));
  return file;
}

/** Signs a bodiless request as member `party` of the `crash` federation of writeMembers. */
export const signer = (party: number) => (method: string, path: string) =>
  signRelayRequest(secretKey(party), {
    federation: 'crash',
    method,
    pathAndQuery: path,
    body: new Uint8Array(),
    timestamp: Date.now(),
    party: String(party),
  });

export type RelayProcess = {
  port: number;
  url: string;
  proc: ChildProcess;
  /** The last 64 KiB of its log (for failure messages). */
  logs(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
};

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** Starts `peg-relay` (src/main.ts through tsx) and waits for its "relay listening" log line. */
export async function startRelay(
  args: string[],
  env: Record<string, string> = {},
): Promise<RelayProcess> {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=@peg/source',
      '--import',
      'tsx',
      'src/main.ts',
      '--host',
      '127.0.0.1',
      '--token-secret',
      TOKEN_SECRET,
      '--rate',
      '100000',
      '--burst',
      '100000',
      '--log-level',
      'info',
      // Tests never use the default port: any free one, read back from the log.
      ...(args.includes('--port') ? [] : ['--port', '0']),
      ...args,
    ],
    {
      cwd: APP_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEG_RELAY_LOG_LEVEL: '', ...env },
    },
  );
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`relay did not start in 30 s:\n${out}\n${err}`)),
      30_000,
    );
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-65_536);
      const m = /"port":(\d+)[^\n]*"msg":"relay listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    logs: () => out,
    async kill() {
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited(proc);
    },
  };
}
