import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';
import type { Recipient } from './types.ts';

// The one owner of the withdrawal recipient versions in TypeScript. The withdrawal contract's
// Clarity constants and `@peg/wire`'s `Recipient` schema (wire must not depend on this package)
// are pinned to these by test/recipient-versions.test.ts.

/** sBTC `MAX_ADDRESS_VERSION`: versions 0..6 are defined. */
export const MAX_RECIPIENT_VERSION = 6;

/** The recipient versions of the sBTC withdrawal contract. */
export const RECIPIENT_VERSION = {
  p2pkh: 0,
  p2sh: 1,
  p2shP2wpkh: 2,
  p2shP2wsh: 3,
  p2wpkh: 4,
  p2wsh: 5,
  p2tr: 6,
} as const;

/**
 * How many hash bytes a recipient of `version` carries: 20 for versions 0-4 (P2PKH, P2SH,
 * P2SH-P2WPKH, P2SH-P2WSH, P2WPKH), 32 for 5-6 (P2WSH, P2TR); undefined for any other version.
 */
export function recipientHashLength(version: number): 20 | 32 | undefined {
  if (!Number.isInteger(version) || version < 0 || version > MAX_RECIPIENT_VERSION)
    return undefined;
  return version <= RECIPIENT_VERSION.p2wpkh ? 20 : 32;
}

/** Result of turning a recipient into a scriptPubKey: the script, or why it cannot be paid. */
export type RecipientScript = { ok: true; script: Uint8Array } | { ok: false; reason: string };

/**
 * The scriptPubKey paying a `{version, hashbytes}` recipient, as the sBTC signer rebuilds it.
 * Versions 2 and 3 (P2SH-wrapped segwit) are plain P2SH outputs of the given script hash.
 * A P2TR key that is not a valid x coordinate is refused: such an output could never be spent.
 */
export function recipientScript(recipient: Recipient): RecipientScript {
  const { version, hashbytes } = recipient;
  const want = recipientHashLength(version);
  if (want === undefined) {
    return { ok: false, reason: `version ${version} is not 0..${MAX_RECIPIENT_VERSION}` };
  }
  if (!(hashbytes instanceof Uint8Array) || hashbytes.length !== want) {
    const got = hashbytes instanceof Uint8Array ? hashbytes.length : typeof hashbytes;
    return { ok: false, reason: `version ${version} needs ${want} hashbytes, got ${got}` };
  }
  try {
    switch (version) {
      case RECIPIENT_VERSION.p2pkh:
        return { ok: true, script: OutScript.encode({ type: 'pkh', hash: hashbytes }) };
      case RECIPIENT_VERSION.p2sh:
      case RECIPIENT_VERSION.p2shP2wpkh:
      case RECIPIENT_VERSION.p2shP2wsh:
        return { ok: true, script: OutScript.encode({ type: 'sh', hash: hashbytes }) };
      case RECIPIENT_VERSION.p2wpkh:
        return { ok: true, script: OutScript.encode({ type: 'wpkh', hash: hashbytes }) };
      case RECIPIENT_VERSION.p2wsh:
        return { ok: true, script: OutScript.encode({ type: 'wsh', hash: hashbytes }) };
      default:
        return { ok: true, script: OutScript.encode({ type: 'tr', pubkey: hashbytes }) };
    }
  } catch {
    return { ok: false, reason: `version ${version}: hashbytes is not a valid Taproot output key` };
  }
}

/** Network parameters of @scure/btc-signer (`NETWORK`, `TEST_NETWORK`, or regtest's `bcrt`). */
export type BtcNetwork = Parameters<typeof Address>[0];

/** Mainnet address parameters (bech32 `bc`). */
export const MAINNET_NETWORK: BtcNetwork = NETWORK;
/** Testnet/signet address parameters (bech32 `tb`). */
export const TESTNET_NETWORK: BtcNetwork = TEST_NETWORK;

/** Regtest address parameters (bech32 `bcrt`, same base58 prefixes as testnet). */
export const REGTEST_NETWORK: BtcNetwork = {
  bech32: 'bcrt',
  pubKeyHash: 0x6f,
  scriptHash: 0xc4,
  wif: 0xef,
};

/**
 * The sBTC recipient for a Bitcoin address. P2SH addresses map to version 1 (an address does
 * not say whether a P2SH wraps segwit). Throws on addresses of other types.
 */
export function recipientFromAddress(address: string, network: BtcNetwork): Recipient {
  const decoded = Address(network).decode(address);
  switch (decoded.type) {
    case 'pkh':
      return { version: RECIPIENT_VERSION.p2pkh, hashbytes: decoded.hash };
    case 'sh':
      return { version: RECIPIENT_VERSION.p2sh, hashbytes: decoded.hash };
    case 'wpkh':
      return { version: RECIPIENT_VERSION.p2wpkh, hashbytes: decoded.hash };
    case 'wsh':
      return { version: RECIPIENT_VERSION.p2wsh, hashbytes: decoded.hash };
    case 'tr':
      return { version: RECIPIENT_VERSION.p2tr, hashbytes: decoded.pubkey };
    default:
      throw new TypeError(`"address" expected p2pkh/p2sh/p2wpkh/p2wsh/p2tr, got ${decoded.type}`);
  }
}

/**
 * The Bitcoin address a recipient pays (the inverse of `recipientFromAddress`; P2SH-wrapped
 * versions 2 and 3 show as their P2SH address). Throws on a recipient `recipientScript` refuses.
 */
export function recipientAddress(recipient: Recipient, network: BtcNetwork): string {
  const rs = recipientScript(recipient);
  if (!rs.ok) throw new TypeError(`"recipient" cannot be paid: ${rs.reason}`);
  return Address(network).encode(OutScript.decode(rs.script));
}

/** The address an output script pays, or null when it has none (an OP_RETURN, a bare script). */
export function scriptAddress(script: Uint8Array, network: BtcNetwork): string | null {
  try {
    return Address(network).encode(OutScript.decode(script));
  } catch {
    return null;
  }
}
