import { Address, OutScript, utils } from '@scure/btc-signer';
import { assertBytes } from './assert.ts';
import type { BtcNetwork } from './recipient.ts';

/**
 * scriptPubKey of the peg wallet: `OP_1 <Q>` for the x-only output key Q. Q is used as given:
 * FROST DKG output (noble, frost-secp256k1-tr) is already TapTweaked, so it must not be tweaked
 * again (which is what `btc.p2tr(Q)` would do).
 */
export function walletScript(outputKey: Uint8Array): Uint8Array {
  assertBytes(outputKey, 'outputKey', 32);
  try {
    return OutScript.encode({ type: 'tr', pubkey: outputKey });
  } catch {
    throw new TypeError('"outputKey" expected a valid x-only public key');
  }
}

/** Bech32m address of the peg wallet for the output key Q (not tweaked again). */
export function walletAddress(outputKey: Uint8Array, network: BtcNetwork): string {
  assertBytes(outputKey, 'outputKey', 32);
  return Address(network).encode({ type: 'tr', pubkey: outputKey });
}

/**
 * BIP341 output key for a key-path-only internal key (empty script tree):
 * Q = P + H_TapTweak(P)·G. For keys that are not tweaked yet (e.g. a trusted-dealer key);
 * the signers must then sign with the same tweak.
 */
export function taprootOutputKey(internalKey: Uint8Array): Uint8Array {
  assertBytes(internalKey, 'internalKey', 32);
  const [outputKey] = utils.taprootTweakPubkey(internalKey, new Uint8Array(0));
  return outputKey;
}

/** The 32-byte x-only key of a P2TR scriptPubKey, or undefined for any other script. */
export function outputKeyOfScript(script: Uint8Array): Uint8Array | undefined {
  if (script.length !== 34 || script[0] !== 0x51 || script[1] !== 0x20) return undefined;
  return script.slice(2);
}
