import { PartyId, point, xOnlyKey } from '@peg/wire';
import { z } from 'zod';

/** A principal the relay knows: a federation member (has an inbox) or an operator (admin). */
export type Principal = {
  /** The principal's id: a member's inbox name. */
  id: string;
  role: 'member' | 'admin';
  /**
   * The protocol party a member speaks for (its envelopes' `sender.partyId`, checked by
   * `--check-sender`): its id unless the members file says otherwise (an operator's
   * coordinator, a member of its own, speaks for the operator's party).
   */
  party: string;
  /**
   * The BIP340 x-only keys (32 bytes each) it may authenticate with: one from a members file;
   * from the chain, the party's registered key and its current messaging key.
   */
  keys: readonly Uint8Array[];
};

/** The federation's current key set. Immutable; a reload swaps the whole object. */
export type Membership = {
  federation: string;
  members: ReadonlyMap<string, Principal>;
  admins: ReadonlyMap<string, Principal>;
};

/** Federation names become NATS stream and subject tokens, hence the narrow alphabet. */
export const FederationName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'federation: 1-32 characters of [A-Za-z0-9_-]');

// A BIP340 x-only key (32 bytes) or a compressed point (33 bytes, reduced to its x), both
// checked to be on secp256k1 by @peg/wire's codecs.
const KeyHex = z.union([xOnlyKey, point.transform((p) => p.slice(1))]);

const Entry = z.strictObject({ id: PartyId, key: KeyHex });
const MemberEntry = Entry.extend({ party: PartyId.optional() });

/** The members file (JSON): the federation's party keys and the operators' keys. */
export const MembersFile = z.strictObject({
  federation: FederationName,
  members: z.array(MemberEntry).min(1).max(4096),
  admins: z.array(Entry).max(64).default([]),
});
export type MembersFile = z.input<typeof MembersFile>;

/** Validates a parsed members file into a Membership; throws a readable error on bad input. */
export function parseMembership(json: unknown): Membership {
  const file = MembersFile.parse(json);
  const members = new Map<string, Principal>();
  const admins = new Map<string, Principal>();
  const seen = new Set<string>();
  for (const [role, list, into] of [
    ['member', file.members, members],
    ['admin', file.admins, admins],
  ] as const) {
    for (const e of list) {
      if (seen.has(e.id)) throw new Error(`members file: duplicate id "${e.id}"`);
      seen.add(e.id);
      const party = 'party' in e && e.party !== undefined ? e.party : e.id;
      into.set(e.id, { id: e.id, role, keys: [e.key], party });
    }
  }
  return { federation: file.federation, members, admins };
}

/** Looks a principal up by id among members and admins. */
export function findPrincipal(m: Membership, id: string): Principal | undefined {
  return m.members.get(id) ?? m.admins.get(id);
}
