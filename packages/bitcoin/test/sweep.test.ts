import { schnorr } from '@noble/curves/secp256k1.js';
import { taproot as pegFrost } from '@peg/frost';
import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { Transaction as BjsTransaction } from 'bitcoinjs-lib';
import * as libsecp256k1 from 'tiny-secp256k1';
import { describe, expect, it } from 'vitest';
import {
  buildSweep,
  dustThreshold,
  FinalizeError,
  finalizeSweep,
  parseWithdrawalIdsScript,
  readSweep,
  recipientScript,
  SWEEP_SEQUENCE,
  SweepError,
  type SweepParams,
  validateSweep,
  walletScript,
  withdrawalIdsScript,
} from '../src/index.ts';
import { recipientOf, request, txid, utxo, xOnly } from './fixtures-gen.ts';
import { FROST_IMPLS, thresholdKey, thresholdSign } from './frost-key.ts';

const key = thresholdKey('sweep-test');
const newKey = thresholdKey('sweep-test/next');

function params(over: Partial<SweepParams> = {}): SweepParams {
  return {
    utxos: [utxo('b', 3_000_000n, key.outputKey, 1), utxo('a', 2_000_000n, key.outputKey, 0)],
    requests: [0, 1, 2, 3, 4, 5, 6].map((v) => ({
      ...request(BigInt(10 + v), 100_000n + BigInt(v), 5_000n),
      recipient: recipientOf(v, `v${v}`),
    })),
    feeRate: 12.5,
    changeOutputKey: newKey.outputKey,
    ...over,
  };
}

describe('buildSweep layout', () => {
  const sweep = buildSweep(params());
  const raw = RawTx.decode(sweep.unsignedTx);

  it('is version 2, lock time 0, RBF-signalling, inputs sorted by (txid, vout)', () => {
    expect(raw.version).toBe(2);
    expect(raw.lockTime).toBe(0);
    expect(raw.segwitFlag).toBe(false);
    expect(raw.inputs.map((i) => i.sequence)).toEqual([SWEEP_SEQUENCE, SWEEP_SEQUENCE]);
    const ops = raw.inputs.map((i) => `${hex.encode(i.txid)}:${i.index}`);
    expect(ops).toEqual([`${txid('a')}:0`, `${txid('b')}:1`].sort());
    expect(sweep.prevouts.map((p) => `${p.txid}:${p.vout}`)).toEqual(ops);
  });

  it('puts change first, then the OP_RETURN, then one output per request by id', () => {
    expect(raw.outputs.length).toBe(9);
    expect(raw.outputs[0]!.script).toEqual(walletScript(newKey.outputKey));
    expect(raw.outputs[1]!.amount).toBe(0n);
    expect(parseWithdrawalIdsScript(raw.outputs[1]!.script)).toEqual([
      10n,
      11n,
      12n,
      13n,
      14n,
      15n,
      16n,
    ]);
    for (let v = 0; v <= 6; v++) {
      const out = raw.outputs[2 + v]!;
      const rs = recipientScript(recipientOf(v, `v${v}`));
      expect(rs.ok && out.script).toEqual(rs.ok && rs.script);
      expect(out.amount).toBe(100_000n + BigInt(v));
      expect(sweep.requests[v]).toMatchObject({ id: BigInt(10 + v), outputIndex: 2 + v });
    }
  });

  it('pays a fee equal to the requests’ shares, at least vsize × rate, each <= max-fee', () => {
    const totalIn = 5_000_000n;
    const totalOut = raw.outputs.reduce((s, o) => s + o.amount, 0n);
    expect(totalIn - totalOut).toBe(sweep.fee);
    expect(sweep.requests.reduce((s, r) => s + r.fee, 0n)).toBe(sweep.fee);
    expect(sweep.baseFee).toBe(BigInt(Math.ceil((sweep.vsize * 12500) / 1000)));
    expect(sweep.fee >= sweep.baseFee).toBe(true);
    expect(sweep.fee - sweep.baseFee < BigInt(sweep.requests.length)).toBe(true);
    for (const r of sweep.requests) expect(r.fee <= r.maxFee).toBe(true);
    // Heavier outputs (P2WSH, P2TR) pay more than lighter ones (P2WPKH).
    expect(sweep.requests[6]!.fee > sweep.requests[4]!.fee).toBe(true);
  });

  it('is deterministic: same params in any order give the same bytes', () => {
    const p = params();
    const again = buildSweep({
      ...p,
      utxos: [...p.utxos].reverse(),
      requests: [...p.requests].reverse(),
    });
    expect(again.unsignedTx).toEqual(sweep.unsignedTx);
    expect(again.sighashes).toEqual(sweep.sighashes);
  });

  it('agrees with bitcoinjs-lib on the txid and every BIP341 sighash', () => {
    const bjs = BjsTransaction.fromHex(hex.encode(sweep.unsignedTx));
    expect(bjs.getId()).toBe(sweep.txid);
    const scripts = sweep.prevouts.map((p) => p.script);
    const values = sweep.prevouts.map((p) => p.amount);
    for (let i = 0; i < sweep.prevouts.length; i++) {
      const h = bjs.hashForWitnessV1(i, scripts, values, BjsTransaction.SIGHASH_DEFAULT);
      expect(hex.encode(h)).toBe(hex.encode(sweep.sighashes[i]!));
    }
  });
});

describe.each(Object.keys(FROST_IMPLS))('finalizeSweep with a %s DKG key', (name) => {
  const impl = FROST_IMPLS[name]!;
  const key = thresholdKey(`sweep-test/${name}`, impl);
  const newKey = thresholdKey(`sweep-test/${name}/next`, impl);
  const p = params({
    utxos: [utxo('b', 3_000_000n, key.outputKey, 1), utxo('a', 2_000_000n, key.outputKey, 0)],
  });
  const sweep = buildSweep(p);
  const sigs = sweep.sighashes.map((h, i) => thresholdSign(key, h, `sig/${i}`));

  it('produces a transaction whose signatures verify and whose ids match bitcoinjs-lib', () => {
    const signed = finalizeSweep(sweep, sigs);
    expect(signed.txid).toBe(sweep.txid);
    expect(signed.vsize).toBe(sweep.vsize);
    expect(signed.weight).toBe(sweep.weight);
    const bjs = BjsTransaction.fromHex(signed.hex);
    expect(bjs.getId()).toBe(sweep.txid);
    expect(hex.encode(bjs.getHash(true).reverse())).toBe(signed.wtxid);
    expect(bjs.weight()).toBe(sweep.weight);
    expect(bjs.virtualSize()).toBe(sweep.vsize);
    const scripts = sweep.prevouts.map((p) => p.script);
    const values = sweep.prevouts.map((p) => p.amount);
    for (const [i, input] of bjs.ins.entries()) {
      expect(input.witness.length).toBe(1);
      const h = bjs.hashForWitnessV1(i, scripts, values, BjsTransaction.SIGHASH_DEFAULT);
      const sig = input.witness[0]!;
      // Three BIP340 verifiers: noble, @peg/frost's own, and libsecp256k1 (tiny-secp256k1 is
      // bitcoin-core/secp256k1 compiled to WebAssembly).
      expect(schnorr.verify(sig, h, key.outputKey)).toBe(true);
      expect(pegFrost.verify(sig, h, key.outputKey)).toBe(true);
      expect(libsecp256k1.verifySchnorr(h, key.outputKey, sig)).toBe(true);
      const flipped = h.slice();
      flipped[0]! ^= 1;
      expect(libsecp256k1.verifySchnorr(flipped, key.outputKey, sig)).toBe(false);
    }
  });

  it('refuses a tampered, a wrong-key and a short signature, naming the input', () => {
    const bad = sigs.map((s) => s.slice());
    bad[1]![10]! ^= 1;
    expect(() => finalizeSweep(sweep, bad)).toThrow(
      expect.objectContaining({ code: 'invalid-signature', inputIndex: 1 }),
    );
    const wrong = sweep.sighashes.map((h, i) => thresholdSign(newKey, h, `w/${i}`));
    expect(() => finalizeSweep(sweep, wrong)).toThrow(FinalizeError);
    expect(() => finalizeSweep(sweep, [sigs[0]!, sigs[1]!.slice(0, 63)])).toThrow(
      expect.objectContaining({ code: 'signature-length', inputIndex: 1 }),
    );
    expect(() => finalizeSweep(sweep, [sigs[0]!])).toThrow(
      expect.objectContaining({ code: 'input-count' }),
    );
    // A signature for input 0 is not valid for input 1 (different sighash).
    expect(() => finalizeSweep(sweep, [sigs[0]!, sigs[0]!])).toThrow(
      expect.objectContaining({ code: 'invalid-signature', inputIndex: 1 }),
    );
  });
});

describe('exclusions', () => {
  it('leaves out dust, bad recipients and requests whose share exceeds max-fee', () => {
    const sweep = buildSweep(
      params({
        requests: [
          request(1n, 50_000n, 2_000n),
          request(2n, 546n, 2_000n),
          {
            ...request(3n, 50_000n, 2_000n),
            recipient: { version: 7, hashbytes: new Uint8Array(20) },
          },
          {
            ...request(4n, 50_000n, 2_000n),
            recipient: { version: 4, hashbytes: new Uint8Array(32) },
          },
          {
            ...request(5n, 50_000n, 2_000n),
            recipient: { version: 6, hashbytes: new Uint8Array(32).fill(0xff) },
          },
          request(6n, 50_000n, 10n),
          request(7n, 60_000n, 2_000n, 5),
        ],
      }),
    );
    expect(sweep.requests.map((r) => r.id)).toEqual([1n, 7n]);
    expect(sweep.excluded.map((e) => [e.id, e.reason])).toEqual([
      [2n, 'dust'],
      [3n, 'invalid-recipient'],
      [4n, 'invalid-recipient'],
      [5n, 'invalid-recipient'],
      [6n, 'max-fee-exceeded'],
    ]);
  });

  it('leaves out the newest requests when the wallet cannot pay them all', () => {
    const sweep = buildSweep(
      params({
        utxos: [utxo('x', 250_000n, key.outputKey)],
        requests: [
          request(1n, 100_000n, 5_000n),
          request(2n, 100_000n, 5_000n),
          request(3n, 100_000n, 5_000n),
        ],
      }),
    );
    expect(sweep.requests.map((r) => r.id)).toEqual([1n, 2n]);
    expect(sweep.excluded).toEqual([
      expect.objectContaining({ id: 3n, reason: 'insufficient-funds' }),
    ]);
  });

  it('keeps the OP_RETURN within 80 bytes', () => {
    const ids = Array.from({ length: 120 }, (_, i) => BigInt(1_000_000 + i * 1000));
    const sweep = buildSweep(
      params({
        utxos: [utxo('big', 100_000_000n, key.outputKey)],
        requests: ids.map((id) => request(id, 10_000n, 10_000n)),
      }),
    );
    expect(sweep.requests.length).toBeGreaterThan(30);
    expect(sweep.requests.length).toBeLessThan(120);
    expect(sweep.excluded.every((e) => e.reason === 'op-return-full')).toBe(true);
    expect(sweep.outputs[1]!.script.length).toBeLessThanOrEqual(83);
  });

  it('throws SweepError with the reasons when nothing can be paid', () => {
    try {
      buildSweep(params({ requests: [request(1n, 50_000n, 1n)] }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SweepError);
      expect((e as SweepError).excluded).toEqual([
        expect.objectContaining({ id: 1n, reason: 'max-fee-exceeded' }),
      ]);
    }
  });

  it('rejects malformed parameters at the boundary', () => {
    expect(() => buildSweep(params({ feeRate: 0.00002 }))).toThrow(RangeError);
    expect(() => buildSweep(params({ feeRate: Number.NaN }))).toThrow(TypeError);
    expect(() => buildSweep(params({ utxos: [] }))).toThrow(/utxos/);
    const dup = [request(1n, 50_000n, 5_000n), request(1n, 60_000n, 5_000n)];
    expect(() => buildSweep(params({ requests: dup }))).toThrow(/duplicates id 1/);
    expect(() => buildSweep(params({ changeOutputKey: new Uint8Array(33) }))).toThrow(
      /changeOutputKey/,
    );
    expect(() => buildSweep(params({ changeOutputKey: new Uint8Array(32).fill(0xff) }))).toThrow(
      /outputKey/,
    );
    const u = utxo('a', 1n, key.outputKey);
    expect(() => buildSweep(params({ utxos: [u, { ...u }] }))).toThrow(/duplicates outpoint/);
    expect(() => buildSweep(params({ utxos: [{ ...u, amount: -1n }] }))).toThrow(RangeError);
  });
});

describe('readSweep', () => {
  const sweep = buildSweep(params());
  const signed = finalizeSweep(
    sweep,
    sweep.sighashes.map((h, i) => thresholdSign(key, h, `r/${i}`)),
  );

  it('reads which request each output pays, from the unsigned or the signed transaction', () => {
    for (const tx of [sweep.unsignedTx, signed.hex]) {
      const r = readSweep(
        tx,
        sweep.prevouts.map((p) => p.amount),
      );
      expect(r.txid).toBe(sweep.txid);
      expect(r.inputs).toEqual(sweep.prevouts.map((p) => `${p.txid}:${p.vout}`));
      expect(r.change).toEqual({ outputKey: newKey.outputKey, amount: sweep.outputs[0]!.amount });
      expect(r.fee).toBe(sweep.fee);
      expect(r.withdrawals.map((w) => [w.requestId, w.outputIndex, w.amount])).toEqual(
        sweep.requests.map((q) => [q.id, q.outputIndex, q.amount]),
      );
    }
    expect(readSweep(sweep.unsignedTx).fee).toBeUndefined();
    const amounts = sweep.prevouts.map((p) => p.amount);
    expect(() =>
      readSweep(
        sweep.unsignedTx,
        amounts.map(() => -1n),
      ),
    ).toThrow(RangeError);
    expect(() =>
      readSweep(
        sweep.unsignedTx,
        amounts.map(() => 1n),
      ),
    ).toThrow(/less than/);
    expect(() => readSweep(sweep.unsignedTx, amounts.map(Number) as unknown as bigint[])).toThrow(
      TypeError,
    );
  });

  it('refuses transactions without the sweep layout', () => {
    expect(() => readSweep('00')).toThrow(/not a transaction/);
    const raw = RawTx.decode(sweep.unsignedTx);
    const noReturn = { ...raw, outputs: [raw.outputs[0]!, raw.outputs[2]!] };
    expect(() => readSweep(RawTx.encode(noReturn))).toThrow(RangeError);
    const fewer = { ...raw, outputs: raw.outputs.slice(0, 5) };
    expect(() => readSweep(RawTx.encode(fewer))).toThrow(/names 7 ids but has 3/);
    const swapped = { ...raw, outputs: [raw.outputs[2]!, ...raw.outputs.slice(1)] };
    expect(() => readSweep(RawTx.encode(swapped))).toThrow(/output 0/);
  });
});

describe('replacement (RBF)', () => {
  it('pays at least the replaced fee plus the new vsize at 1 sat/vB', () => {
    const first = buildSweep(params({ feeRate: 5 }));
    const bump = buildSweep(params({ feeRate: 5, replaces: { fee: first.fee } }));
    expect(bump.baseFee).toBe(first.fee + BigInt(bump.vsize));
    expect(bump.fee >= first.fee + BigInt(bump.vsize)).toBe(true);
    expect(bump.txid).not.toBe(first.txid);
    expect(bump.prevouts).toEqual(first.prevouts);
    // A market rate above the replacement floor wins.
    const market = buildSweep(params({ feeRate: 50, replaces: { fee: first.fee } }));
    expect(market.baseFee).toBe(BigInt(Math.ceil(market.vsize * 50)));
    // Signers must agree on what is replaced.
    const p = params({ feeRate: 5, replaces: { fee: first.fee } });
    expect(validateSweep(bump.unsignedTx, p).ok).toBe(true);
    expect(validateSweep(bump.unsignedTx, { ...p, replaces: undefined }).ok).toBe(false);
    expect(() => buildSweep(params({ replaces: { fee: -1n } }))).toThrow(RangeError);
  });
});

describe('dust thresholds', () => {
  it('match Bitcoin Core at the default dust relay fee', () => {
    const t = (v: number) => {
      const rs = recipientScript(recipientOf(v, 'd'));
      if (!rs.ok) throw new Error(rs.reason);
      return dustThreshold(rs.script);
    };
    expect([0, 1, 4, 5, 6].map(t)).toEqual([546n, 540n, 294n, 330n, 330n]);
    expect(dustThreshold(walletScript(xOnly('w')))).toBe(330n);
  });
});

describe('validateSweep', () => {
  const p = params();
  const sweep = buildSweep(p);

  it('accepts the exact transaction', () => {
    const v = validateSweep(sweep.unsignedTx, p);
    expect(v.ok).toBe(true);
    expect(validateSweep(hex.encode(sweep.unsignedTx), p).ok).toBe(true);
  });

  it('explains a changed amount, a swapped output, a sequence and a lock time', () => {
    const raw = RawTx.decode(sweep.unsignedTx);
    raw.outputs[3] = { ...raw.outputs[3]!, amount: raw.outputs[3]!.amount - 1n };
    raw.outputs[0] = { ...raw.outputs[0]!, amount: raw.outputs[0]!.amount + 1n };
    const [o5, o6] = [raw.outputs[5]!, raw.outputs[6]!];
    raw.outputs[5] = o6;
    raw.outputs[6] = o5;
    raw.inputs[1] = { ...raw.inputs[1]!, sequence: 0xffffffff };
    raw.lockTime = 800_000;
    const v = validateSweep(RawTx.encode(raw), p);
    expect(v.ok).toBe(false);
    const kinds = v.mismatches.map((m) => `${m.kind}${'index' in m ? `@${m.index}` : ''}`);
    expect(kinds).toEqual([
      'lock-time',
      'input-sequence@1',
      'output-amount@0',
      'output-amount@3',
      'output-script@5',
      'output-amount@5',
      'output-script@6',
      'output-amount@6',
    ]);
    expect(v.mismatches[3]).toMatchObject({
      role: 'withdrawal',
      requestId: 11n,
      expected: 100_001n,
    });
  });

  it('reports unparseable bytes, a witness, and parameters that cannot build a sweep', () => {
    expect(validateSweep(sweep.unsignedTx.slice(0, 40), p).mismatches[0]!.kind).toBe('unparseable');
    const signed = finalizeSweep(
      sweep,
      sweep.sighashes.map((h, i) => thresholdSign(key, h, `v/${i}`)),
    );
    expect(validateSweep(signed.tx, p).mismatches).toEqual([{ kind: 'has-witness' }]);
    const v = validateSweep(sweep.unsignedTx, { ...p, requests: [] });
    expect(v.mismatches[0]!.kind).toBe('rebuild-failed');
  });

  it('names the ids an altered OP_RETURN carries', () => {
    const raw = RawTx.decode(sweep.unsignedTx);
    raw.outputs[1] = {
      amount: 0n,
      script: withdrawalIdsScript([10n, 11n, 12n, 13n, 14n, 15n, 99n]),
    };
    const [m] = validateSweep(RawTx.encode(raw), p).mismatches;
    expect(m).toMatchObject({
      kind: 'output-script',
      role: 'op-return',
      detail: 'expected ids [10, 11, 12, 13, 14, 15, 16], got ids [10, 11, 12, 13, 14, 15, 99]',
    });
  });

  it('catches a different fee rate or change key', () => {
    expect(validateSweep(sweep.unsignedTx, { ...p, feeRate: 13 }).ok).toBe(false);
    const v = validateSweep(sweep.unsignedTx, { ...p, changeOutputKey: key.outputKey });
    expect(v.mismatches).toEqual([expect.objectContaining({ kind: 'output-script', index: 0 })]);
  });
});
