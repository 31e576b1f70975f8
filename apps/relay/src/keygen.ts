import { parseArgs } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { PartyId } from '@peg/wire';

/** A fresh relay key of one member or operator. */
export type MemberKey = {
  /** BIP340 secret key, hex: the member's client signs its requests with it. Keep it secret. */
  secretKey: string;
  /** The entry to add under `members` (or `admins`) of the members file. */
  entry: { id: string; key: string };
};

/** Makes a member key for `id` (random unless a secret key is given). */
export function memberKey(
  id: string,
  secretKey: Uint8Array = schnorr.utils.randomSecretKey(),
): MemberKey {
  const parsed = PartyId.safeParse(id);
  if (!parsed.success) throw new Error(`keygen: --id "${id}" is not a valid member id`);
  return {
    secretKey: bytesToHex(secretKey),
    entry: { id: parsed.data, key: bytesToHex(schnorr.getPublicKey(secretKey)) },
  };
}

export const KEYGEN_HELP = `Usage: peg-relay keygen --id <member id>

Prints a fresh BIP340 key pair as JSON: "secretKey" for the member's client (keep it secret),
"entry" to add under "members" (or "admins") of the members file. Signers use their decimal
party id as member id.
`;

/** `peg-relay keygen --id <id>`: the JSON to print (throws with a readable message). */
export function keygenCommand(args: string[]): string {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { id: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return KEYGEN_HELP;
  if (values.id === undefined) throw new Error('keygen: --id <member id> is required');
  return `${JSON.stringify(memberKey(values.id), null, 2)}\n`;
}
