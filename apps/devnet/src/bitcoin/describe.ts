import { hex } from '@scure/base';
import { RawTx, Script, Transaction } from '@scure/btc-signer';
import { toBtc } from './amount.ts';
import type { Block } from './block.ts';
import { RPC_DESERIALIZATION_ERROR, RpcError } from './errors.ts';
import { scriptToAddress, scriptType } from './network.ts';

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

/** bitcoind's `scriptPubKey` object. */
export function describeScript(script: Uint8Array): {
  asm: string;
  hex: string;
  type: string;
  address?: string;
} {
  const address = scriptToAddress(script);
  return {
    asm: scriptAsm(script),
    hex: hex.encode(script),
    type: scriptType(script),
    ...(address ? { address } : {}),
  };
}

/** bitcoind's verbose transaction object (`decoderawtransaction`, `getrawtransaction ... true`). */
export function describeTx(rawHex: string): Record<string, unknown> {
  let raw: ReturnType<typeof RawTx.decode>;
  let tx: Transaction;
  try {
    const bytes = hex.decode(rawHex);
    raw = RawTx.decode(bytes);
    tx = Transaction.fromRaw(bytes, {
      allowUnknownInputs: true,
      allowUnknownOutputs: true,
      allowUnknownVersion: true,
      disableScriptCheck: true,
    });
  } catch {
    throw new RpcError(RPC_DESERIALIZATION_ERROR, 'TX decode failed');
  }
  const isCoinbase =
    raw.inputs.length === 1 &&
    raw.inputs[0]!.index === 0xffffffff &&
    /^0+$/.test(hex.encode(raw.inputs[0]!.txid));
  return {
    txid: tx.id,
    hash: tx.hash === tx.id ? tx.id : tx.hash,
    version: raw.version,
    size: rawHex.length / 2,
    vsize: tx.vsize,
    weight: tx.weight,
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
