import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { equalBytes } from '@noble/curves/utils.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { OutScript, SigHash, type Transaction } from '@scure/btc-signer';

/** A spent output as the ledger knows it. */
export type Prevout = { script: Uint8Array; amount: bigint };

// BIP341: valid explicit hash types for 65-byte key-path signatures.
const TAPROOT_HASH_TYPES = new Set([0x01, 0x02, 0x03, 0x81, 0x82, 0x83]);
// BIP143/Core: the legacy hash types a P2WPKH signature may end with.
const SEGWIT_V0_HASH_TYPES = new Set([0x01, 0x02, 0x03, 0x81, 0x82, 0x83]);

/**
 * Checks the witness of input `idx` against its prevout. Returns undefined when valid, or the
 * reject reason bitcoind would give. Only the output kinds our federation spends are supported:
 * P2TR key path (BIP340/341) and P2WPKH (BIP143); anything else is refused, never waved through.
 */
export function verifyInput(
  tx: Transaction,
  idx: number,
  prevouts: readonly Prevout[],
): string | undefined {
  const prev = prevouts[idx];
  if (!prev) return 'bad-txns-inputs-missingorspent';
  const input = tx.getInput(idx);
  const witness = input.finalScriptWitness ?? [];
  const scriptSig = input.finalScriptSig ?? new Uint8Array(0);
  const decoded = decodeScript(prev.script);
  if (decoded?.type !== 'tr' && decoded?.type !== 'wpkh')
    return 'devnet-unsupported-prevout-script';
  // Native segwit spends carry an empty scriptSig (Core: "witness program with non-empty scriptSig").
  if (scriptSig.length !== 0)
    return 'mandatory-script-verify-flag-failed (Witness requires empty scriptSig)';
  if (decoded.type === 'tr')
    return verifyTaprootKeyPath(tx, idx, prevouts, decoded.pubkey, witness);
  return verifyP2wpkh(tx, idx, prev, decoded.hash, witness);
}

function verifyTaprootKeyPath(
  tx: Transaction,
  idx: number,
  prevouts: readonly Prevout[],
  outputKey: Uint8Array,
  witness: Uint8Array[],
): string | undefined {
  if (witness.length === 0)
    return 'mandatory-script-verify-flag-failed (Witness program was passed an empty witness)';
  const last = witness[witness.length - 1]!;
  if (witness.length >= 2 && last[0] === 0x50) return 'devnet-unsupported (taproot annex)';
  if (witness.length !== 1) return 'devnet-unsupported (taproot script-path spend)';
  const sig = witness[0]!;
  let hashType: number = SigHash.DEFAULT;
  if (sig.length === 65) {
    hashType = sig[64]!;
    if (!TAPROOT_HASH_TYPES.has(hashType)) {
      return 'mandatory-script-verify-flag-failed (Invalid Schnorr signature hash type)';
    }
  } else if (sig.length !== 64) {
    return 'mandatory-script-verify-flag-failed (Invalid Schnorr signature size)';
  }
  // SIGHASH_SINGLE without a matching output has no defined message (BIP341).
  if ((hashType & 0x03) === 0x03 && idx >= tx.outputsLength) {
    return 'mandatory-script-verify-flag-failed (Invalid Schnorr signature hash type)';
  }
  const sighash = tx.preimageWitnessV1(
    idx,
    prevouts.map((p) => p.script),
    hashType,
    prevouts.map((p) => p.amount),
  );
  const ok = safe(() => schnorr.verify(sig.subarray(0, 64), sighash, outputKey));
  return ok ? undefined : 'mandatory-script-verify-flag-failed (Invalid Schnorr signature)';
}

function verifyP2wpkh(
  tx: Transaction,
  idx: number,
  prev: Prevout,
  keyHash: Uint8Array,
  witness: Uint8Array[],
): string | undefined {
  if (witness.length !== 2)
    return 'mandatory-script-verify-flag-failed (Witness program hash mismatch)';
  const [sigWithType, pubkey] = witness as [Uint8Array, Uint8Array];
  if (pubkey.length !== 33 || !equalBytes(ripemd160(sha256(pubkey)), keyHash)) {
    return 'mandatory-script-verify-flag-failed (Witness program hash mismatch)';
  }
  if (sigWithType.length < 9)
    return 'mandatory-script-verify-flag-failed (Non-canonical DER signature)';
  const hashType = sigWithType[sigWithType.length - 1]!;
  if (!SEGWIT_V0_HASH_TYPES.has(hashType)) {
    return 'mandatory-script-verify-flag-failed (Non-canonical signature: illegal hash type)';
  }
  // BIP143 scriptCode for P2WPKH is the P2PKH script of the key hash.
  const scriptCode = OutScript.encode({ type: 'pkh', hash: keyHash });
  const sighash = tx.preimageWitnessV0(idx, scriptCode, hashType, prev.amount);
  const der = sigWithType.subarray(0, -1);
  const ok = safe(() =>
    secp256k1.verify(der, sighash, pubkey, { prehash: false, format: 'der', lowS: true }),
  );
  return ok
    ? undefined
    : 'mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)';
}

function decodeScript(script: Uint8Array) {
  try {
    return OutScript.decode(script);
  } catch {
    return undefined;
  }
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
