import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

const main = new URL('../src/main.ts', import.meta.url).pathname;

describe('cli process', () => {
  it('starts on free ports, serves, logs JSON and stops cleanly on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@peg/source',
        '--import',
        'tsx',
        main,
        '--stacks-port',
        '0',
        '--bitcoin-port',
        '0',
        '--rpc-password',
        'pw',
      ],
      { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = once(child, 'exit');
    try {
      // Bounded wait for the start-up line (the simnet takes seconds to load on a busy machine).
      let started: Record<string, unknown> | undefined;
      for (let i = 0; i < 1500 && !started && child.exitCode === null; i++) {
        started = lines.find((l) => l.msg === 'devnet started');
        if (!started) await new Promise((r) => setTimeout(r, 100));
      }
      expect(started, stderr).toBeDefined();
      const info = (await (await fetch(`${started!.stacks as string}/v2/info`)).json()) as {
        burn_block_height: number;
      };
      expect(info.burn_block_height).toBeGreaterThan(0);
      const rpc = await fetch(started!.bitcoin as string, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('devnet:pw').toString('base64')}` },
        body: JSON.stringify({ id: 1, method: 'getblockcount' }),
      });
      expect(((await rpc.json()) as { result: number }).result).toBe(info.burn_block_height);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(lines.map((l) => l.msg)).toContain('devnet stopped');
  });
});
