/**
 * Where a running process's HTTP API listens, recorded in its data folder (`<role>-api.json`:
 * url and pid) so that its own CLI (`status`, `rotate-messaging-key`, `probe`) finds it even on
 * a port the system picked. A record whose process is gone is ignored.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import type { ProcessRole } from './relay-address.ts';

const fileOf = (dataDir: string, role: ProcessRole) => join(dataDir, `${role}-api.json`);

export async function recordApiEndpoint(
  dataDir: string,
  role: ProcessRole,
  url: string,
): Promise<void> {
  const text = JSON.stringify({ url, pid: process.pid });
  await writeFileAtomic(fileOf(dataDir, role), new TextEncoder().encode(text), { mode: 0o600 });
}

export async function forgetApiEndpoint(dataDir: string, role: ProcessRole): Promise<void> {
  await rm(fileOf(dataDir, role), { force: true });
}

/** The recorded API URL, or undefined when none is recorded or its process is not alive. */
export async function readApiEndpoint(
  dataDir: string,
  role: ProcessRole = 'signer',
): Promise<string | undefined> {
  let record: { url?: unknown; pid?: unknown };
  try {
    record = JSON.parse(await readFile(fileOf(dataDir, role), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof record.url !== 'string' || typeof record.pid !== 'number') return undefined;
  try {
    process.kill(record.pid, 0);
  } catch {
    return undefined;
  }
  return record.url;
}
