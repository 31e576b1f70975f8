/**
 * The protocol's addresses as relay inboxes (docs/relay.md, "Addressing"): the signer of party P
 * reads inbox `P`, the coordinator of P's operator `P-coordinator`, and a broadcast is `all`
 * (every member's inbox but the sender's own).
 */
import type { Address } from '@peg/protocol';
import type { Recipients } from '@peg/wire';

/** The role a process plays in its operator's pair. */
export type ProcessRole = 'signer' | 'coordinator';

/** The relay member id (= inbox) of party `party`'s process with this role. */
export function inboxOf(role: ProcessRole, party: number): string {
  return role === 'signer' ? String(party) : `${party}-coordinator`;
}

/** The relay recipients of a protocol address. */
export function recipientsOf(to: Address): Recipients {
  switch (to.kind) {
    case 'broadcast':
      return 'all';
    case 'signer':
      return [inboxOf('signer', to.id)];
    case 'signers':
      return to.ids.map((id) => inboxOf('signer', id));
    case 'coordinator':
      return [inboxOf('coordinator', to.id)];
  }
}
