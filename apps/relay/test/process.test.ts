import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '@noble/hashes/utils.js';
import { signRelayRequest } from '@peg/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { membersFile, tempDir } from './helpers.ts';
import { getToken } from './load.ts';
import { signer, startRelay, writeMembers } from './relay-process.ts';

// The CLI process: graceful shutdown and membership reload on SIGHUP.

describe('peg-relay process', () => {
  const dir = tempDir('peg-proc-');
  afterAll(() => dir.cleanup());

  it('closes gracefully on SIGTERM: long-polls answer, then the process exits 0', async () => {
    const members = writeMembers(dir.dir);
    const relay = await startRelay(['--members', members, '--store', `sqlite:${dir.dir}/g.sqlite`]);
    const token = await getToken(relay.url, signer(2));
    const poll = fetch(`${relay.url}/v1/inboxes/2/messages?wait=30000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r) => setTimeout(r, 200));
    const exit = new Promise<number | null>((r) => relay.proc.once('exit', (code) => r(code)));
    relay.proc.kill('SIGTERM');
    const res = await poll;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { messages: unknown[] }).messages).toEqual([]);
    expect(await exit).toBe(0);
    expect(relay.logs()).toMatch(/"msg":"closed"/);
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('re-reads the members file on SIGHUP', async () => {
    const file = `${dir.dir}/hup.json`;
    writeFileSync(file, JSON.stringify(membersFile(2, 'crash')));
    const relay = await startRelay(['--members', file, '--store', `sqlite:${dir.dir}/h.sqlite`]);
    try {
      await expect(getToken(relay.url, signer(3))).rejects.toThrow(/401/);
      writeFileSync(file, JSON.stringify(membersFile(3, 'crash')));
      relay.proc.kill('SIGHUP');
      let token = '';
      for (let i = 0; i < 50 && !token; i++) {
        token = await getToken(relay.url, signer(3)).catch(() => '');
        if (!token) await new Promise((r) => setTimeout(r, 100));
      }
      expect(token).not.toBe('');
      expect(relay.logs()).toMatch(/membership reloaded/);
    } finally {
      await relay.stop();
    }
  }, 60_000);
});

describe('peg-relay keygen and paths', () => {
  const dir = tempDir('peg-keygen-');
  afterAll(() => dir.cleanup());

  it('a keygen key signs in to a relay started with a relative members path from INIT_CWD', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(
      process.execPath,
      ['--conditions=@peg/source', '--import', 'tsx', 'src/main.ts', 'keygen', '--id', '7'],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' },
    );
    const key = JSON.parse(out) as { secretKey: string; entry: { id: string; key: string } };
    writeFileSync(
      `${dir.dir}/members.json`,
      JSON.stringify({ federation: 'crash', members: [key.entry] }),
    );
    // As `pnpm --filter @peg/relay start -- --members members.json` run from dir: the process
    // runs in apps/relay, pnpm sets INIT_CWD to dir.
    const relay = await startRelay(['--members', 'members.json', '--store', 'sqlite:k.sqlite'], {
      INIT_CWD: dir.dir,
    });
    try {
      const token = await getToken(relay.url, (method, path) =>
        signRelayRequest(hexToBytes(key.secretKey), {
          federation: 'crash',
          method,
          pathAndQuery: path,
          body: new Uint8Array(),
          timestamp: Date.now(),
          party: '7',
        }),
      );
      expect(token).toMatch(/^7\./);
      expect(existsSync(`${dir.dir}/k.sqlite`)).toBe(true);
    } finally {
      await relay.stop();
    }
  }, 60_000);
});
