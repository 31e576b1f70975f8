import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/journal.ts';

const dir = mkdtempSync(join(tmpdir(), 'devnet-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('journal', () => {
  it('round-trips operations and binds the folder to the contract sources', () => {
    const path = join(dir, 'a.jsonl');
    const journal = new Journal(path);
    expect(journal.open('hash-1')).toEqual([]);
    journal.append({ op: 'btc', hex: '00' });
    journal.append({ op: 'mine', script: '51', time: 5 });
    expect(new Journal(path).open('hash-1')).toEqual([
      { op: 'btc', hex: '00' },
      { op: 'mine', script: '51', time: 5 },
    ]);
    expect(() => new Journal(path).open('hash-2')).toThrow(/other contract sources/);
  });

  it('drops a last line cut short by a crash, but refuses damage elsewhere', () => {
    const path = join(dir, 'b.jsonl');
    const journal = new Journal(path);
    journal.open('h');
    journal.append({ op: 'stx', hex: 'aa' });
    appendFileSync(path, '{"op":"mi');
    expect(new Journal(path).open('h')).toEqual([{ op: 'stx', hex: 'aa' }]);
    expect(readFileSync(path, 'utf8').endsWith('"aa"}\n')).toBe(true);
    appendFileSync(path, 'garbage\n{"op":"btc","hex":"00"}\n');
    expect(() => new Journal(path).open('h')).toThrow(/line 3/);
  });
});
