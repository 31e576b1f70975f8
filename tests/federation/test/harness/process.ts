// One CLI process of the federation under test: started from its src/main.ts through tsx (the
// way `pnpm start` runs it; PEG_FED_DIST=1: its built dist/main.js under node), its JSON log
// lines kept, killable with SIGKILL, stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '@peg/runtime';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The app directory of a CLI: apps/<name>. */
export const appDir = (app: 'signer' | 'coordinator' | 'relay' | 'devnet') =>
  join(ROOT, 'apps', app);

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * How a CLI is started: its sources through tsx (what `pnpm start` runs), or with
 * PEG_FED_DIST=1 its build under plain node (`dist/main.js`, the package's `bin`: what a
 * deployment runs; `pnpm build` first).
 */
const entry = (): string[] =>
  process.env.PEG_FED_DIST === '1'
    ? ['dist/main.js']
    : ['--conditions=@peg/source', '--import', 'tsx', 'src/main.ts'];

/** Every process started, so a test's teardown can kill what is left. */
const running = new Set<CliProcess>();

export class CliProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly lines: LogLine[] = [];
  stderr = '';
  #partial = '';
  #waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    name: string,
    app: Parameters<typeof appDir>[0],
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.name = name;
    // PEG_FED_NODE_ARGS: extra node flags for the processes started while it is set (the bench's
    // CPU profiles: node refuses --cpu-prof in NODE_OPTIONS).
    // The service flags first, as the apps' bins start them (SERVICE_NODE_FLAGS).
    const nodeArgs = [
      ...(app === 'devnet' ? [] : SERVICE_NODE_FLAGS),
      ...(process.env.PEG_FED_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ];
    this.proc = spawn(process.execPath, [...nodeArgs, ...entry(), ...args], {
      cwd: appDir(app),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
        this.#wake();
      }),
    );
    this.proc.stdout?.on('data', (d: Buffer) => this.#onData(String(d)));
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d).slice(-65_536);
      this.#wake();
    });
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  #onData(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const p of parts) {
      if (p.trim() === '') continue;
      try {
        this.lines.push(JSON.parse(p) as LogLine);
      } catch {
        this.lines.push({ msg: p });
      }
      if (this.lines.length > 50_000) this.lines.splice(0, 10_000);
    }
    this.#wake();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves with the first log line (from `from` on) matching, rejects on exit or timeout. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs = 120_000, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.slice(from).find(match);
        if (hit) return done(() => resolve(hit));
        if (!this.alive)
          return done(() =>
            reject(new Error(`${this.name} exited: ${this.stderr}\n${this.tail()}`)),
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.name}: timed out waiting\n${this.tail()}`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        f();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** The last log lines, for failure messages. */
  tail(n = 25): string {
    return this.lines
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  kill9(): Promise<unknown> {
    if (this.alive) this.proc.kill('SIGKILL');
    return this.exited;
  }

  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.alive && this.proc.kill('SIGKILL'), timeoutMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
}

/** Kills every process still running (test teardown). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill9()));
}

/** Runs a CLI command to completion: exit code, stdout, stderr. */
export function runCli(
  app: Parameters<typeof appDir>[0],
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...entry(), ...args], {
      cwd: appDir(app),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${app} ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}
