// @peg/devnet as a child process (apps never import each other, tests included: the relay's
// tests run the devnet's CLI, found through the relay's devDependency, as an operator would).
import { type ChildProcess, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEVNET_DIR = realpathSync(
  fileURLToPath(new URL('../node_modules/@peg/devnet', import.meta.url)),
);

export type DevnetProcess = {
  /** Base URL of its Stacks node / API. */
  stacksUrl: string;
  /** Mines `blocks` ticks now (POST /devnet/mine). */
  mine(blocks?: number): Promise<void>;
  stop(): Promise<void>;
};

/** Starts the devnet (in memory, free ports on 127.0.0.1, mining on demand). */
export async function startDevnetProcess(): Promise<DevnetProcess> {
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=@peg/source',
      '--import',
      'tsx',
      'src/main.ts',
      '--stacks-port',
      '0',
      '--bitcoin-port',
      '0',
      '--log-level',
      'info',
    ],
    { cwd: DEVNET_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const stacksUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devnet did not start:\n${out}`)), 90_000);
    proc.stderr?.on('data', (d: Buffer) => {
      out = (out + d).slice(-65_536);
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out = (out + d).slice(-65_536);
      const m = /"stacks":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"devnet started"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited with ${code}:\n${out}`));
    });
  });
  return {
    stacksUrl,
    mine: async (blocks = 1) => {
      const res = await fetch(`${stacksUrl}/devnet/mine`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ blocks }),
      });
      if (!res.ok) throw new Error(`mine: ${res.status} ${await res.text()}`);
    },
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
