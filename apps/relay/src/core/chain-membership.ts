import { hexToBytes } from '@noble/hashes/utils.js';
import type { FederationParty } from '@peg/protocol';
import type { Membership, Principal } from './membership.ts';

/** Inbox id of the coordinator process of party P's operator (docs/relay.md, Addressing). */
export const coordinatorId = (party: number | string): string => `${party}-coordinator`;

/**
 * The relay membership of a federation read from the chain: for each party P, member `P` (its
 * signer) and member `P-coordinator` (its operator's coordinator), both speaking for party P and
 * both authenticating with P's current messaging key (listed first: the usual one) or its
 * registered key (x-only; what a process has before its first announcement is accepted).
 * No admins: the chain names no operators.
 */
export function chainMembership(
  federation: string,
  parties: readonly FederationParty[],
  messagingKey: (party: number) => string | undefined,
): Membership {
  const members = new Map<string, Principal>();
  for (const p of parties) {
    const registered = hexToBytes(p.registeredKey.slice(2));
    const messaging = messagingKey(p.id);
    const keys = messaging === undefined ? [registered] : [hexToBytes(messaging), registered];
    const party = String(p.id);
    for (const id of [party, coordinatorId(party)]) {
      members.set(id, { id, role: 'member', party, keys });
    }
  }
  return { federation, members, admins: new Map() };
}

// A key announcement envelope is small (about 600 bytes); canonical JSON puts `"kind"` right
// after `"chainTip"`, so a plain search finds it without parsing every posted envelope.
const ANNOUNCEMENT_KIND = '"kind":"key-announcement"';
const MAX_ANNOUNCEMENT_BYTES = 4096;
const utf8 = new TextDecoder();

/** Whether a posted envelope may be a key announcement (then `open` decides). */
export function mayBeAnnouncement(envelope: Uint8Array): boolean {
  return (
    envelope.length <= MAX_ANNOUNCEMENT_BYTES && utf8.decode(envelope).includes(ANNOUNCEMENT_KIND)
  );
}
