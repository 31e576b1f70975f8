import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite.ts';
import { tempDir } from './helpers.ts';

describe('SQLite store', () => {
  it('checkpoints the WAL into the database and keeps every message', async () => {
    const t = tempDir();
    const file = join(t.dir, 'ck.sqlite');
    const store = new SqliteStore(file);
    const envelope = (i: number) => new Uint8Array(256 * 1024).fill(i);
    for (let i = 0; i < 40; i++) {
      const out = await store.post({
        sender: '1',
        id: `big${i}`,
        digest: String(i),
        recipients: ['2'],
        envelope: envelope(i),
        receivedAt: i,
      });
      expect(out.kind).toBe('stored');
    }
    // 10 MiB went through the WAL: at least one checkpoint copied it into the database file.
    expect(statSync(file).size).toBeGreaterThan(8 * 1024 * 1024);
    await store.close();
    const again = new SqliteStore(file);
    const read = await again.read('2', 0, 100);
    expect(read.length).toBe(40);
    read.forEach((m, i) => {
      expect(m.id).toBe(`big${i}`);
      expect(m.envelope.length).toBe(256 * 1024);
      expect(m.envelope[1000]).toBe(i);
    });
    await again.close();
    t.cleanup();
  });
});
