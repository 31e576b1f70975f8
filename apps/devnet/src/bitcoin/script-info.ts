import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { REGTEST_NETWORK } from '@peg/bitcoin';
import { hex } from '@scure/base';
import { Address, OutScript, Script } from '@scure/btc-signer';
import { describeScript, scriptAsm } from './describe.ts';
import { inferDescriptor } from './descriptor.ts';
import { RPC_DESERIALIZATION_ERROR, RpcError } from './errors.ts';
import { scriptToAddress, scriptType } from './network.ts';

const hash160 = (data: Uint8Array) => ripemd160(sha256(data));
const p2shAddress = (script: Uint8Array) =>
  Address(REGTEST_NETWORK).encode({ type: 'sh', hash: hash160(script) });

/** Core's `decodescript`: the script, and the P2SH / segwit wrappings it could be paid through. */
export function decodeScript(scriptHex: unknown): Record<string, unknown> {
  if (typeof scriptHex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(scriptHex))
    throw new RpcError(RPC_DESERIALIZATION_ERROR, 'argument must be hexadecimal string');
  const script = hex.decode(scriptHex.toLowerCase());
  const type = scriptType(script);
  const address = type === 'pubkey' ? undefined : scriptToAddress(script);
  const out: Record<string, unknown> = {
    asm: scriptAsm(script),
    desc: inferDescriptor(script),
    ...(address ? { address } : {}),
    type,
  };
  if (!canWrap(script, type)) return out;
  out.p2sh = p2shAddress(script);
  const segwit = segwitScript(script, type);
  if (segwit) out.segwit = { ...describeScript(segwit), 'p2sh-segwit': p2shAddress(segwit) };
  return out;
}

// Core wraps in P2SH only scripts that are not themselves P2SH, witness programs, OP_RETURN or
// Tapscript-only (OP_CHECKSIGADD), and whose opcodes all parse.
function canWrap(script: Uint8Array, type: string): boolean {
  if (
    ![
      'multisig',
      'nonstandard',
      'pubkey',
      'pubkeyhash',
      'witness_v0_keyhash',
      'witness_v0_scripthash',
    ].includes(type)
  )
    return false;
  if (script[0] === 0x6a) return false;
  try {
    return !Script.decode(script).some((op) => op === 'CHECKSIGADD');
  } catch {
    return false;
  }
}

// The segwit v0 program Core offers for a script: P2WPKH for a key or key hash, P2WSH otherwise;
// none for witness programs or scripts with an uncompressed key.
function segwitScript(script: Uint8Array, type: string): Uint8Array | undefined {
  const decoded = OutScript.decode(script);
  switch (decoded.type) {
    case 'pkh':
      return OutScript.encode({ type: 'wpkh', hash: decoded.hash });
    case 'pk':
      return decoded.pubkey.length === 33
        ? OutScript.encode({ type: 'wpkh', hash: hash160(decoded.pubkey) })
        : undefined;
    case 'ms':
      return decoded.pubkeys.every((k) => k.length === 33)
        ? OutScript.encode({ type: 'wsh', hash: sha256(script) })
        : undefined;
    default:
      return type === 'nonstandard'
        ? OutScript.encode({ type: 'wsh', hash: sha256(script) })
        : undefined;
  }
}

/** Core's `validateaddress` for a regtest node. */
export function validateAddress(address: unknown): Record<string, unknown> {
  let script: Uint8Array | undefined;
  if (typeof address === 'string') {
    try {
      script = OutScript.encode(Address(REGTEST_NETWORK).decode(address));
    } catch {
      script = undefined;
    }
  }
  if (!script || typeof address !== 'string') {
    // Core also pinpoints bech32 errors (error_locations); the devnet names none.
    return {
      isvalid: false,
      error_locations: [],
      error: 'Invalid or unsupported Segwit (Bech32) or Base58 encoding.',
    };
  }
  const type = scriptType(script);
  const witnessVersion =
    type === 'witness_v1_taproot' ? 1 : type.startsWith('witness_v0') ? 0 : undefined;
  return {
    isvalid: true,
    address,
    scriptPubKey: hex.encode(script),
    isscript: ['scripthash', 'witness_v0_scripthash', 'witness_v1_taproot'].includes(type),
    iswitness: witnessVersion !== undefined,
    ...(witnessVersion !== undefined
      ? { witness_version: witnessVersion, witness_program: hex.encode(script.subarray(2)) }
      : {}),
  };
}
