import { hex } from '@scure/base';
import { Script } from '@scure/btc-signer';
import { toBtc } from './amount.ts';
import type { Block } from './block.ts';
import { inferDescriptor } from './descriptor.ts';
import { decodeRawTx } from './ledger.ts';
import { scriptToAddress, scriptType } from './network.ts';
import { measureTx } from './tx-facts.ts';

/** bitcoind's `asm` rendering: small numbers as digits, pushes as hex, other opcodes OP_*. */
export function scriptAsm(script: Uint8Array): string {
  try {
    return Script.decode(script)
      .map((op) =>
        op instanceof Uint8Array
          ? hex.encode(op)
          : typeof op === 'number'
            ? String(op)
            : `OP_${op}`,
      )
      .join(' ');
  } catch {
    return '[error]';
  }
}

/** bitcoind's `scriptPubKey` object (Core's ScriptToUniv with hex and address). */
export function describeScript(script: Uint8Array): {
  asm: string;
  desc: string;
  hex: string;
  address?: string;
  type: string;
} {
  const type = scriptType(script);
  // Core gives no address for a bare public key (P2PK) output.
  const address = type === 'pubkey' ? undefined : scriptToAddress(script);
  return {
    asm: scriptAsm(script),
    desc: inferDescriptor(script),
    hex: hex.encode(script),
    ...(address ? { address } : {}),
    type,
  };
}

/** bitcoind's verbose transaction object (`decoderawtransaction`, `getrawtransaction ... true`). */
export function describeTx(rawHex: string): Record<string, unknown> {
  const { raw } = decodeRawTx(rawHex);
  const facts = measureTx(raw);
  const isCoinbase =
    raw.inputs.length === 1 &&
    raw.inputs[0]!.index === 0xffffffff &&
    /^0+$/.test(hex.encode(raw.inputs[0]!.txid));
  return {
    txid: facts.txid,
    // Core's `hash` is the wtxid (equal to the txid when the transaction has no witness).
    hash: facts.wtxid,
    version: raw.version,
    size: facts.size,
    vsize: facts.vsize,
    weight: facts.weight,
    locktime: raw.lockTime,
    vin: raw.inputs.map((input, i) => {
      const witness = raw.witnesses?.[i] ?? [];
      if (isCoinbase)
        return { coinbase: hex.encode(input.finalScriptSig), sequence: input.sequence };
      return {
        txid: hex.encode(input.txid),
        vout: input.index,
        scriptSig: { asm: scriptAsm(input.finalScriptSig), hex: hex.encode(input.finalScriptSig) },
        ...(witness.length > 0 ? { txinwitness: witness.map((w) => hex.encode(w)) } : {}),
        sequence: input.sequence,
      };
    }),
    vout: raw.outputs.map((out, n) => ({
      value: toBtc(out.amount),
      n,
      scriptPubKey: describeScript(out.script),
    })),
    hex: rawHex,
  };
}

/** bitcoind's verbose block header fields, shared by `getblock` and `getblockheader`. */
export function describeHeader(
  block: Block,
  tipHeight: number,
  next: Block | undefined,
): Record<string, unknown> {
  return {
    hash: block.hash,
    confirmations: tipHeight - block.height + 1,
    height: block.height,
    version: 0x20000000,
    versionHex: '20000000',
    merkleroot: block.merkleRoot,
    time: block.time,
    mediantime: block.time,
    nonce: 0,
    bits: '207fffff',
    difficulty: 4.656542373906925e-10,
    chainwork: (block.height + 1).toString(16).padStart(64, '0'),
    nTx: block.txids.length,
    ...(block.height > 0 ? { previousblockhash: block.prevHash } : {}),
    ...(next ? { nextblockhash: next.hash } : {}),
  };
}
