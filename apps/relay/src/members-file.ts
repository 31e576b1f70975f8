import { readFile } from 'node:fs/promises';
import { type Membership, parseMembership } from './core/membership.ts';

/** Reads and validates a members file (JSON). */
export async function loadMembersFile(path: string): Promise<Membership> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`members file ${path}: not valid JSON`);
  }
  return parseMembership(json);
}
