import { hex } from '@scure/base';
import { OutScript, p2wpkh } from '@scure/btc-signer';
import { RPC_INVALID_ADDRESS_OR_KEY, RpcError } from './errors.ts';
import { addressToScript, scriptToAddress } from './network.ts';

// BIP380 descriptor checksum: a BCH code over the descriptor's characters.
const INPUT_CHARSET =
  '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(symbols: readonly number[]): bigint {
  let chk = 1n;
  for (const value of symbols) {
    const top = chk >> 35n;
    chk = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(value);
    for (let i = 0; i < 5; i++) if ((top >> BigInt(i)) & 1n) chk ^= GENERATOR[i]!;
  }
  return chk;
}

/** The 8-character BIP380 checksum of a descriptor (without its `#`), or undefined for bad characters. */
export function descriptorChecksum(descriptor: string): string | undefined {
  const symbols: number[] = [];
  let groups: number[] = [];
  for (const c of descriptor) {
    const v = INPUT_CHARSET.indexOf(c);
    if (v < 0) return undefined;
    symbols.push(v & 31);
    groups.push(v >> 5);
    if (groups.length === 3) {
      symbols.push(groups[0]! * 9 + groups[1]! * 3 + groups[2]!);
      groups = [];
    }
  }
  if (groups.length === 1) symbols.push(groups[0]!);
  if (groups.length === 2) symbols.push(groups[0]! * 3 + groups[1]!);
  const checksum = polymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let out = '';
  for (let i = 0; i < 8; i++)
    out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/** `desc#checksum`. */
export function withChecksum(descriptor: string): string {
  return `${descriptor}#${descriptorChecksum(descriptor)}`;
}

/**
 * The descriptor Core infers for an output script when it knows no keys behind it:
 * `rawtr(Q)` for P2TR, `pk(K)` for P2PK, `addr(...)` for other scripts with an address, else `raw(...)`.
 */
export function inferDescriptor(script: Uint8Array): string {
  const decoded = decodeOutScript(script);
  if (decoded?.type === 'tr') return withChecksum(`rawtr(${hex.encode(decoded.pubkey)})`);
  if (decoded?.type === 'pk') return withChecksum(`pk(${hex.encode(decoded.pubkey)})`);
  if (decoded?.type === 'ms')
    return withChecksum(
      `multi(${decoded.m},${decoded.pubkeys.map((k) => hex.encode(k)).join(',')})`,
    );
  const address = scriptToAddress(script);
  return withChecksum(address ? `addr(${address})` : `raw(${hex.encode(script)})`);
}

function decodeOutScript(script: Uint8Array) {
  try {
    return OutScript.decode(script);
  } catch {
    return undefined;
  }
}

/** A parsed descriptor of the kinds the devnet understands: one output script, no keys to derive. */
export type ParsedDescriptor = { canonical: string; script: Uint8Array; solvable: boolean };

/**
 * Parses `addr(ADDRESS)`, `raw(HEX)`, `rawtr(XONLY)` and `wpkh(COMPRESSED_KEY)` descriptors with an
 * optional checksum, which must then be right (Core's message otherwise). Other descriptors
 * (extended keys, ranges, script trees) are refused with a devnet message.
 */
export function parseDescriptor(text: string): ParsedDescriptor {
  const hash = text.indexOf('#');
  const body = hash < 0 ? text : text.slice(0, hash);
  const computed = descriptorChecksum(body);
  if (computed === undefined)
    throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Invalid characters in payload');
  if (hash >= 0) {
    const given = text.slice(hash + 1);
    if (given.length !== 8)
      throw new RpcError(
        RPC_INVALID_ADDRESS_OR_KEY,
        `Expected 8 character checksum, not ${given.length} characters`,
      );
    if (given !== computed)
      throw new RpcError(
        RPC_INVALID_ADDRESS_OR_KEY,
        `Provided checksum '${given}' does not match computed checksum '${computed}'`,
      );
  }
  const match = /^(addr|raw|rawtr|wpkh)\(([^()]*)\)$/.exec(body);
  const unsupported = () =>
    new RpcError(
      RPC_INVALID_ADDRESS_OR_KEY,
      `devnet: only addr(), raw(), rawtr(<x-only hex>) and wpkh(<compressed hex>) descriptors are supported: ${body}`,
    );
  if (!match) throw unsupported();
  const [, kind, arg] = match as unknown as [string, string, string];
  const isHex = /^([0-9a-fA-F]{2})*$/.test(arg);
  switch (kind) {
    case 'addr':
      return { canonical: body, script: addressToScript(arg), solvable: false };
    case 'raw':
      if (!isHex) throw unsupported();
      return {
        canonical: `raw(${arg.toLowerCase()})`,
        script: hex.decode(arg.toLowerCase()),
        solvable: false,
      };
    case 'rawtr': {
      if (!isHex || arg.length !== 64) throw unsupported();
      const pubkey = hex.decode(arg.toLowerCase());
      return {
        canonical: `rawtr(${arg.toLowerCase()})`,
        script: scriptOf({ type: 'tr', pubkey }),
        solvable: true,
      };
    }
    default: {
      if (!isHex || arg.length !== 66) throw unsupported();
      const pubkey = hex.decode(arg.toLowerCase());
      return {
        canonical: `wpkh(${arg.toLowerCase()})`,
        script: wpkhScript(pubkey),
        solvable: true,
      };
    }
  }
}

function scriptOf(out: Parameters<typeof OutScript.encode>[0]): Uint8Array {
  try {
    return OutScript.encode(out);
  } catch {
    throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'devnet: invalid key in descriptor');
  }
}

function wpkhScript(pubkey: Uint8Array): Uint8Array {
  try {
    return p2wpkh(pubkey).script;
  } catch {
    throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'devnet: wpkh() needs a valid compressed key');
  }
}
