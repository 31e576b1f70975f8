import { REGTEST_NETWORK } from '@peg/bitcoin';
import { Address, OutScript, Script } from '@scure/btc-signer';
import { RPC_INVALID_ADDRESS_OR_KEY, RpcError } from './errors.ts';

// The devnet is regtest: bcrt1 bech32, testnet base58 versions (@peg/bitcoin's parameters).
const codec = Address(REGTEST_NETWORK);

/** The output script an address pays to, or bitcoind's "Invalid address" error. */
export function addressToScript(address: unknown): Uint8Array {
  if (typeof address !== 'string')
    throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Invalid address');
  try {
    return OutScript.encode(codec.decode(address));
  } catch {
    throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Invalid address: ${address}`);
  }
}

/** The regtest address of a script, when it has one (not for OP_RETURN or bare scripts). */
export function scriptToAddress(script: Uint8Array): string | undefined {
  try {
    return codec.encode(OutScript.decode(script));
  } catch {
    return undefined;
  }
}

/** bitcoind's scriptPubKey.type names for the script kinds the ledger knows. */
export function scriptType(script: Uint8Array): string {
  try {
    const decoded = OutScript.decode(script);
    switch (decoded.type) {
      case 'tr':
        return 'witness_v1_taproot';
      case 'wpkh':
        return 'witness_v0_keyhash';
      case 'wsh':
        return 'witness_v0_scripthash';
      case 'pkh':
        return 'pubkeyhash';
      case 'sh':
        return 'scripthash';
      case 'ms':
        return 'multisig';
      case 'pk':
        return 'pubkey';
      default:
        return isNullData(script) ? 'nulldata' : 'nonstandard';
    }
  } catch {
    return isNullData(script) ? 'nulldata' : 'nonstandard';
  }
}

/** Core's NULL_DATA: OP_RETURN followed by push opcodes only (any size: the limit is policy). */
function isNullData(script: Uint8Array): boolean {
  if (script[0] !== 0x6a) return false;
  try {
    return Script.decode(script.subarray(1)).every(
      (op) => op instanceof Uint8Array || typeof op === 'number',
    );
  } catch {
    return false;
  }
}
