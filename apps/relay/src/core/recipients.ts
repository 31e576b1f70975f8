import type { Recipients } from '@peg/wire';
import type { Membership } from './membership.ts';

export type ResolveResult = { ok: true; inboxes: string[] } | { ok: false; unknown: string[] };

/**
 * Turns a post's `to` into inbox names: `all` is every member but the sender (a broadcast does
 * not echo back); an explicit list must name members only and is deduplicated, order kept.
 */
export function resolveRecipients(to: Recipients, sender: string, m: Membership): ResolveResult {
  if (to === 'all')
    return { ok: true, inboxes: [...m.members.keys()].filter((id) => id !== sender) };
  const unknown = to.filter((id) => !m.members.has(id));
  if (unknown.length > 0) return { ok: false, unknown: [...new Set(unknown)] };
  return { ok: true, inboxes: [...new Set(to)] };
}

/**
 * The idempotency digest of a post: the `to` as requested (normalized: `all`, or the sorted set)
 * and the envelope bytes. Using the request rather than the resolved inboxes keeps a retry of
 * `all` a duplicate even if membership changed in between. The hash is the shell's (native).
 */
export function postDigest(
  to: Recipients,
  envelope: Uint8Array,
  sha256Hex: (...parts: (string | Uint8Array)[]) => string,
): string {
  const target = to === 'all' ? 'all' : [...new Set(to)].sort().join(',');
  return sha256Hex(`${target}\n`, envelope);
}
