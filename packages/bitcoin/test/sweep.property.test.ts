// Property tests (fast-check, fixed seeds): any valid inputs give a valid sweep that pays
// exactly the accepted requests within their max-fee, and any change to it is caught.
import { schnorr } from '@noble/curves/secp256k1.js';
import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { Transaction as BjsTransaction } from 'bitcoinjs-lib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSweep,
  finalizeSweep,
  MAX_STANDARD_TX_WEIGHT,
  parseWithdrawalIdsScript,
  readSweep,
  recipientScript,
  type Sweep,
  SweepError,
  type SweepParams,
  validateSweep,
  type WithdrawalRequest,
  walletScript,
} from '../src/index.ts';
import { bytes } from './fixtures-gen.ts';

// Single-key wallets make signing cheap enough to finalise every generated sweep.
const secrets = [0, 1, 2].map((i) => bytes(`prop/sk/${i}`));
const outputKeys = secrets.map((sk) => schnorr.getPublicKey(sk));
const RUNS = 150;
// Generous per-test limit: the suite shares 2 cores with every other package's tests.
const SLOW = { timeout: 180_000 };

const arbRecipient = fc
  .oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 6 }) },
    { weight: 1, arbitrary: fc.integer({ min: 7, max: 255 }) },
  )
  .chain((version) =>
    fc
      .uint8Array({
        minLength: version <= 4 ? 20 : 32,
        maxLength: version <= 4 ? 20 : 32,
      })
      .map((hashbytes) => ({ version, hashbytes })),
  );

const arbRequests = fc
  .uniqueArray(fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }), { maxLength: 30 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          id: fc.constant(id),
          amount: fc.oneof(
            fc.bigInt({ min: 0n, max: 1_000n }),
            fc.bigInt({ min: 547n, max: 20_000_000n }),
          ),
          maxFee: fc.bigInt({ min: 0n, max: 60_000n }),
          recipient: arbRecipient,
        }),
      ),
    ),
  )
  .map((rs): WithdrawalRequest[] => rs);

const arbParams: fc.Arbitrary<SweepParams & { keyIndex: number[] }> = fc
  .record({
    utxos: fc.uniqueArray(
      fc.record({
        txid: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hex.encode(b)),
        vout: fc.integer({ min: 0, max: 5 }),
        amount: fc.bigInt({ min: 1_000n, max: 60_000_000n }),
        key: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 1, maxLength: 4, selector: (u) => `${u.txid}:${u.vout}` },
    ),
    requests: arbRequests,
    feeRate: fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.double({ min: 0.1, max: 1000, noNaN: true }),
    ),
    change: fc.integer({ min: 0, max: 2 }),
    replaces: fc.option(fc.bigInt({ min: 0n, max: 100_000n }), { nil: undefined }),
  })
  .map((r) => ({
    utxos: r.utxos.map((u) => ({
      txid: u.txid,
      vout: u.vout,
      amount: u.amount,
      outputKey: outputKeys[u.key]!,
    })),
    keyIndex: r.utxos.map((u) => u.key),
    requests: r.requests,
    feeRate: r.feeRate,
    changeOutputKey: outputKeys[r.change]!,
    replaces: r.replaces === undefined ? undefined : { fee: r.replaces },
  }));

function signAll(sweep: Sweep, params: SweepParams & { keyIndex: number[] }): Uint8Array[] {
  return sweep.prevouts.map((p, i) => {
    const u = params.utxos.findIndex((x) => x.txid === p.txid && x.vout === p.vout);
    return schnorr.sign(sweep.sighashes[i]!, secrets[params.keyIndex[u]!]!, new Uint8Array(32));
  });
}

describe('sweep properties', SLOW, () => {
  it('pays exactly the accepted requests, within max-fee, at >= the fee rate', () => {
    let built = 0;
    fc.assert(
      fc.property(arbParams, (params) => {
        let sweep: Sweep;
        try {
          sweep = buildSweep(params);
        } catch (e) {
          if (!(e instanceof SweepError)) throw e;
          expect(e.excluded.map((x) => x.id).sort()).toEqual(
            params.requests.map((r) => r.id).sort(),
          );
          return;
        }
        built++;
        // Every request is either paid or excluded with a reason, exactly once.
        const paid = sweep.requests.map((r) => r.id);
        const left = sweep.excluded.map((x) => x.id);
        expect([...paid, ...left].sort()).toEqual(params.requests.map((r) => r.id).sort());
        const raw = RawTx.decode(sweep.unsignedTx);
        expect(raw.outputs.length).toBe(2 + paid.length);
        expect(raw.outputs[0]!.script).toEqual(walletScript(params.changeOutputKey));
        expect(parseWithdrawalIdsScript(raw.outputs[1]!.script)).toEqual(paid);
        const byId = new Map(params.requests.map((r) => [r.id, r]));
        for (const [i, r] of sweep.requests.entries()) {
          const req = byId.get(r.id)!;
          const out = raw.outputs[2 + i]!;
          const rs = recipientScript(req.recipient);
          expect(rs.ok).toBe(true);
          expect(rs.ok && hex.encode(rs.script)).toBe(hex.encode(out.script));
          expect(out.amount).toBe(req.amount);
          expect(req.amount > 546n).toBe(true);
          expect(r.fee <= req.maxFee).toBe(true);
        }
        const totalIn = params.utxos.reduce((s, u) => s + u.amount, 0n);
        const totalOut = raw.outputs.reduce((s, o) => s + o.amount, 0n);
        expect(totalIn - totalOut).toBe(sweep.fee);
        expect(sweep.requests.reduce((s, r) => s + r.fee, 0n)).toBe(sweep.fee);
        expect(raw.outputs[0]!.amount >= 330n).toBe(true);
        // Fee rate honoured on the real signed size; size exact per bitcoinjs-lib.
        const signed = finalizeSweep(sweep, signAll(sweep, params));
        const bjs = BjsTransaction.fromHex(signed.hex);
        expect(bjs.weight()).toBe(sweep.weight);
        expect(bjs.getId()).toBe(sweep.txid);
        expect(sweep.weight <= MAX_STANDARD_TX_WEIGHT).toBe(true);
        const rateKvb = BigInt(Math.round(params.feeRate * 1000));
        expect(sweep.fee * 1000n >= BigInt(bjs.virtualSize()) * rateKvb).toBe(true);
        if (params.replaces) {
          // BIP125 rules 3 and 4: more than the replaced fee, by the new vsize at 1 sat/vB.
          expect(sweep.fee >= params.replaces.fee + BigInt(bjs.virtualSize())).toBe(true);
        }
        expect(validateSweep(sweep.unsignedTx, params).ok).toBe(true);
        // Reading the signed transaction back gives the same payments and fee.
        const read = readSweep(
          signed.tx,
          sweep.prevouts.map((p) => p.amount),
        );
        expect(read.fee).toBe(sweep.fee);
        expect(read.withdrawals.map((w) => [w.requestId, w.outputIndex, w.amount])).toEqual(
          sweep.requests.map((r) => [r.id, r.outputIndex, r.amount]),
        );
      }),
      { seed: 20261121, numRuns: RUNS },
    );
    expect(built).toBeGreaterThan(RUNS / 3);
  });

  it('gives the same bytes whatever the order of UTXOs and requests', () => {
    let built = 0;
    fc.assert(
      fc.property(arbParams, fc.integer(), (params, salt) => {
        const shuffle = <T>(xs: readonly T[]): T[] =>
          xs
            .map((x, i) => ({ x, k: (i * 2654435761 + salt) % 1000003 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        let a: Sweep;
        try {
          a = buildSweep(params);
        } catch (e) {
          expect(e).toBeInstanceOf(SweepError);
          return;
        }
        built++;
        const b = buildSweep({
          ...params,
          utxos: shuffle(params.utxos),
          requests: shuffle(params.requests),
        });
        expect(hex.encode(b.unsignedTx)).toBe(hex.encode(a.unsignedTx));
      }),
      { seed: 7, numRuns: 60 },
    );
    // Not vacuous: most generated parameters give a sweep.
    expect(built).toBeGreaterThan(60 / 3);
  });

  type Mutation = (raw: ReturnType<typeof RawTx.decode>, pick: number, delta: bigint) => void;
  const mutations: Record<string, Mutation> = {
    amount: (raw, pick, delta) => {
      const o = raw.outputs[pick % raw.outputs.length]!;
      raw.outputs[pick % raw.outputs.length] = { ...o, amount: o.amount + delta };
    },
    script: (raw, pick) => {
      const o = raw.outputs[pick % raw.outputs.length]!;
      const script = o.script.slice();
      script[script.length - 1]! ^= 1;
      raw.outputs[pick % raw.outputs.length] = { ...o, script };
    },
    swap: (raw, pick) => {
      const i = pick % raw.outputs.length;
      const j = (i + 1) % raw.outputs.length;
      [raw.outputs[i], raw.outputs[j]] = [raw.outputs[j]!, raw.outputs[i]!];
    },
    drop: (raw, pick) => {
      raw.outputs.splice(pick % raw.outputs.length, 1);
    },
    add: (raw, _pick, delta) => {
      raw.outputs.push({ amount: delta, script: raw.outputs[0]!.script });
    },
    sequence: (raw, pick) => {
      const i = raw.inputs[pick % raw.inputs.length]!;
      raw.inputs[pick % raw.inputs.length] = { ...i, sequence: (i.sequence + 1 + pick) >>> 0 };
    },
    outpoint: (raw, pick) => {
      const i = raw.inputs[pick % raw.inputs.length]!;
      raw.inputs[pick % raw.inputs.length] = { ...i, index: i.index + 1 };
    },
    lockTime: (raw, pick) => {
      raw.lockTime = (pick % 1000) + 1;
    },
    version: (raw) => {
      raw.version = 1;
    },
    scriptSig: (raw, pick) => {
      const i = raw.inputs[pick % raw.inputs.length]!;
      raw.inputs[pick % raw.inputs.length] = { ...i, finalScriptSig: new Uint8Array([0x51]) };
    },
  };

  it('catches any change to the transaction, with at least one reason', () => {
    let built = 0;
    fc.assert(
      fc.property(
        arbParams,
        fc.constantFrom(...Object.keys(mutations), 'bit-flip', 'truncate', 'append'),
        fc.nat(),
        fc.bigInt({ min: 1n, max: 100_000n }),
        (params, kind, pick, delta) => {
          let sweep: Sweep;
          try {
            sweep = buildSweep(params);
          } catch (e) {
            // Only "nothing to sweep" may skip a case; any other throw is a bug to report.
            if (!(e instanceof SweepError)) throw e;
            return;
          }
          built++;
          let tampered: Uint8Array;
          if (kind === 'bit-flip') {
            tampered = sweep.unsignedTx.slice();
            tampered[pick % tampered.length]! ^= 1 << (pick % 8);
          } else if (kind === 'truncate') {
            tampered = sweep.unsignedTx.slice(0, pick % sweep.unsignedTx.length);
          } else if (kind === 'append') {
            tampered = Uint8Array.from([...sweep.unsignedTx, pick % 256]);
          } else {
            const raw = RawTx.decode(sweep.unsignedTx);
            mutations[kind]!(raw, pick, delta);
            tampered = RawTx.encode(raw);
          }
          const v = validateSweep(tampered, params);
          expect(v.ok).toBe(false);
          expect(v.mismatches.length).toBeGreaterThan(0);
          if (kind in mutations)
            expect(v.mismatches.map((m) => m.kind)).not.toContain('bytes-differ');
        },
      ),
      { seed: 99, numRuns: 300 },
    );
    expect(built).toBeGreaterThan(300 / 3);
  });
});
