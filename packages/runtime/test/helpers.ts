import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'peg-runtime-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Cheap scrypt for tests only (the default costs seconds). */
export const TEST_SCRYPT = { log2N: 10, r: 8, p: 1 };
