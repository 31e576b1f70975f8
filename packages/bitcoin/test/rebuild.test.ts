// rebuildSweep: a signer finds the fee rate in the proposed transaction itself (never from the
// coordinator), rebuilds at it and gets the same bytes; anything else is refused with a reason.
import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSweep,
  MAX_FEE_RATE,
  rebuildSweep,
  type Sweep,
  SweepError,
  type SweepMismatch,
  type SweepParams,
  type WithdrawalRequest,
  walletScript,
} from '../src/index.ts';
import { recipientOf, request, utxo, xOnly } from './fixtures-gen.ts';

const keys = [0, 1, 2].map((i) => xOnly(`rebuild/${i}`));
const RUNS = 200;
// Generous per-test limit: the suite shares 2 cores with every other package's tests.
const SLOW = { timeout: 180_000 };

type Unrated = Omit<SweepParams, 'feeRate'>;
const unrated = ({ feeRate: _, ...rest }: SweepParams): Unrated => rest;
const kinds = (ms: readonly SweepMismatch[]) => ms.map((m) => m.kind);
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The base fee buildSweep would charge at `k` sat/kvB for this sweep's size. */
function baseFeeAt(sweep: Sweep, params: Unrated, k: bigint): bigint {
  const vsize = BigInt(sweep.vsize);
  const rate = ceilDiv(vsize * k, 1000n);
  const floor = params.replaces === undefined ? 0n : params.replaces.fee + vsize;
  return rate > floor ? rate : floor;
}

// Ids with gaps under 128 (one LEB128 byte), so up to 77 fit the OP_RETURN; few or many
// requests; a few recipients are invalid or dust.
const arbRequest = fc.record({
  gap: fc.integer({ min: 1, max: 127 }),
  amount: fc.oneof(
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 1_000n }) },
    { weight: 9, arbitrary: fc.bigInt({ min: 547n, max: 400_000n }) },
  ),
  maxFee: fc.oneof(
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 5_000n }) },
    { weight: 9, arbitrary: fc.bigInt({ min: 5_000n, max: 200_000n }) },
  ),
  version: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 6 }) },
    { weight: 1, arbitrary: fc.constant(7) },
  ),
  label: fc.nat(),
});
const arbRequests = fc
  .oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 60, max: 90 }))
  .chain((n) => fc.array(arbRequest, { minLength: n, maxLength: n }))
  .map((rs): WithdrawalRequest[] => {
    let id = 0n;
    return rs.map((r) => {
      id += BigInt(r.gap);
      const recipient =
        r.version === 7
          ? { version: 7, hashbytes: new Uint8Array(20) }
          : recipientOf(r.version, `${r.label}`);
      return { id, amount: r.amount, maxFee: r.maxFee, recipient };
    });
  });

const arbParams: fc.Arbitrary<SweepParams> = fc
  .record({
    utxos: fc.uniqueArray(
      fc.record({
        txid: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hex.encode(b)),
        vout: fc.integer({ min: 0, max: 5 }),
        amount: fc.bigInt({ min: 1_000n, max: 30_000_000n }),
        key: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 1, maxLength: 5, selector: (u) => `${u.txid}:${u.vout}` },
    ),
    requests: arbRequests,
    feeRate: fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 100, max: 1_000_000 }).map((k) => k / 1000),
      fc.double({ min: 0.1, max: 1000, noNaN: true }),
    ),
    change: fc.integer({ min: 0, max: 2 }),
    replaces: fc.option(fc.bigInt({ min: 0n, max: 100_000n }), { nil: undefined }),
  })
  .map((r) => ({
    utxos: r.utxos.map((u) => ({ ...u, outputKey: keys[u.key]! })),
    requests: r.requests,
    feeRate: r.feeRate,
    changeOutputKey: keys[r.change]!,
    replaces: r.replaces === undefined ? undefined : { fee: r.replaces },
  }));

function tryBuild(params: SweepParams): Sweep | undefined {
  try {
    return buildSweep(params);
  } catch (e) {
    if (!(e instanceof SweepError)) throw e;
    return undefined;
  }
}

describe('rebuildSweep on random sweeps', SLOW, () => {
  it('finds a rate that rebuilds the exact bytes, with the same base fee and shares', () => {
    let built = 0;
    let large = 0;
    let floorSet = 0;
    let sameShares = 0;
    fc.assert(
      fc.property(arbParams, (params) => {
        const sweep = tryBuild(params);
        if (!sweep) return;
        built++;
        if (sweep.requests.length >= 60) large++;
        const p = unrated(params);
        const r = rebuildSweep(sweep.unsignedTx, p);
        if (!r.ok) expect.fail(JSON.stringify(r.mismatches, (_, v) => String(v)));
        expect(hex.encode(r.sweep.unsignedTx)).toBe(hex.encode(sweep.unsignedTx));
        // Base fees a few sats apart can give the very same shares (so the same bytes); the
        // transaction cannot tell them apart, and the shares are what accept-withdrawal records.
        expect(r.sweep.requests).toEqual(sweep.requests);
        expect(r.sweep.fee).toBe(sweep.fee);
        if (r.sweep.baseFee !== sweep.baseFee) sameShares++;
        expect(r.feeRate).toBe(Number(r.feeRateSatPerKvb) / 1000);
        // The reported rate is the one used, or the effective one: either gives the base fee.
        expect(baseFeeAt(sweep, p, r.feeRateSatPerKvb)).toBe(r.sweep.baseFee);
        if (sweep.baseFee > ceilDiv(BigInt(sweep.vsize) * sweep.feeRateSatPerKvb, 1000n)) {
          floorSet++;
        }
        // The rate the rebuild used reproduces the transaction through buildSweep too.
        const again = buildSweep({ ...p, feeRate: Number(r.sweep.feeRateSatPerKvb) / 1000 });
        expect(again.unsignedTx).toEqual(sweep.unsignedTx);
        expect(rebuildSweep(hex.encode(sweep.unsignedTx), p).ok).toBe(true);
      }),
      { seed: 20261203, numRuns: RUNS },
    );
    // Not vacuous: most cases build, some near the OP_RETURN's 77 ids, some bumps at the floor.
    expect(built).toBeGreaterThan(RUNS / 2);
    expect(large).toBeGreaterThan(0);
    expect(floorSet).toBeGreaterThan(0);
    expect(sameShares).toBeGreaterThan(0);
  });

  it('never accepts a changed transaction', () => {
    let built = 0;
    fc.assert(
      fc.property(
        arbParams,
        fc.constantFrom('amount', 'swap', 'script', 'drop-input', 'change-key'),
        fc.nat(),
        fc.bigInt({ min: 1n, max: 50_000n }),
        (params, kind, pick, delta) => {
          const sweep = tryBuild(params);
          if (!sweep) return;
          built++;
          const raw = RawTx.decode(sweep.unsignedTx);
          const at = 2 + (pick % (raw.outputs.length - 2));
          const o = raw.outputs[at]!;
          if (kind === 'amount') raw.outputs[at] = { ...o, amount: o.amount + delta };
          if (kind === 'swap') {
            // Two payments to the same script would swap into the same bytes.
            const other = raw.outputs[1 + (at % (raw.outputs.length - 1))]!;
            if (hex.encode(other.script) === hex.encode(o.script)) return;
            raw.outputs[at] = other;
            raw.outputs[1 + (at % (raw.outputs.length - 1))] = o;
          }
          if (kind === 'script') {
            const script = o.script.slice();
            script[script.length - 1]! ^= 1;
            raw.outputs[at] = { ...o, script };
          }
          if (kind === 'drop-input') {
            if (raw.inputs.length === 1) return;
            raw.inputs.splice(pick % raw.inputs.length, 1);
          }
          if (kind === 'change-key') {
            const key = keys.find((k) => hex.encode(k) !== hex.encode(params.changeOutputKey))!;
            raw.outputs[0] = { ...raw.outputs[0]!, script: walletScript(key) };
          }
          const r = rebuildSweep(RawTx.encode(raw), unrated(params));
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.mismatches.length).toBeGreaterThan(0);
        },
      ),
      { seed: 31, numRuns: RUNS },
    );
    expect(built).toBeGreaterThan(RUNS / 2);
  });
});

describe('rebuildSweep', () => {
  const [key, next, other] = keys as [Uint8Array, Uint8Array, Uint8Array];
  const params: SweepParams = {
    utxos: [
      utxo('r/a', 3_000_000n, key, 1),
      utxo('r/b', 2_000_000n, key, 0),
      utxo('r/c', 1_500_000n, next, 3),
    ],
    requests: Array.from({ length: 10 }, (_, i) => ({
      ...request(BigInt(40 + 3 * i), 100_000n + BigInt(i), 8_000n),
      recipient: recipientOf(i % 7, `rb${i}`),
    })),
    feeRate: 7.321,
    changeOutputKey: next,
  };
  const p = unrated(params);
  const sweep = buildSweep(params);
  const tampered = (edit: (raw: ReturnType<typeof RawTx.decode>) => void): Uint8Array => {
    const raw = RawTx.decode(sweep.unsignedTx);
    edit(raw);
    return RawTx.encode(raw);
  };
  const refused = (tx: Uint8Array | string, q: Unrated = p): readonly SweepMismatch[] => {
    const r = rebuildSweep(tx, q);
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.mismatches;
  };

  it('recovers a fractional rate exactly, for 77 requests over three inputs', () => {
    // Under 1,000 vB a few whole sat/kvB rates give the same base fee: the highest is reported.
    expect(sweep.vsize).toBeLessThan(1000);
    const r = rebuildSweep(sweep.unsignedTx, p);
    expect(r.ok && hex.encode(r.sweep.unsignedTx)).toBe(hex.encode(sweep.unsignedTx));
    expect(r.ok && r.feeRateSatPerKvb).toBe((sweep.baseFee * 1000n) / BigInt(sweep.vsize));
    expect(r.ok && baseFeeAt(sweep, p, r.feeRateSatPerKvb - 1n)).toBe(sweep.baseFee);
    // Over 1,000 vB each rate has its own base fee: exactly the one used.
    const many: SweepParams = {
      ...params,
      requests: Array.from({ length: 90 }, (_, i) =>
        request(BigInt(100 + i), 20_000n + BigInt(i), 30_000n, i % 7),
      ),
      feeRate: 12.345,
    };
    const big = buildSweep(many);
    expect(big.requests.length).toBe(77);
    const rb = rebuildSweep(big.unsignedTx, unrated(many));
    expect(rb.ok && hex.encode(rb.sweep.unsignedTx)).toBe(hex.encode(big.unsignedTx));
    expect(rb.ok && rb.feeRateSatPerKvb).toBe(12_345n);
  });

  it('walks the rates when an earlier exclusion pass hinged on the exact rate', () => {
    // Built at 1.001 sat/vB: request 2's share fits its max-fee in the first pass, the wallet
    // cannot pay all three, 3 goes, then 2 goes. At 1.006 sat/vB (the highest rate with the
    // same final base fee) 2 goes first and 3 is paid: a different transaction.
    const q: Unrated = {
      utxos: [utxo('w', 460_565n, key)],
      requests: [
        request(1n, 50_000n, 1_000_000n, 4),
        request(2n, 400_000n, 96n, 6),
        request(3n, 10_000n, 1_000_000n, 4),
      ],
      changeOutputKey: key,
    };
    const tx = buildSweep({ ...q, feeRate: 1.001 });
    expect(tx.requests.map((x) => x.id)).toEqual([1n]);
    expect(buildSweep({ ...q, feeRate: 1.006 }).requests.map((x) => x.id)).toEqual([1n, 3n]);
    const r = rebuildSweep(tx.unsignedTx, q);
    expect(r.ok && hex.encode(r.sweep.unsignedTx)).toBe(hex.encode(tx.unsignedTx));
    expect(r.ok && baseFeeAt(tx, q, r.feeRateSatPerKvb)).toBe(tx.baseFee);
  });

  it('reports the effective rate of a bump whose replacement floor sets the fee', () => {
    const first = buildSweep({ ...params, feeRate: 2 });
    const q = { ...p, replaces: { fee: first.fee } };
    const bump = buildSweep({ ...q, feeRate: 2 });
    const vsize = BigInt(bump.vsize);
    expect(bump.baseFee).toBe(first.fee + vsize);
    const r = rebuildSweep(bump.unsignedTx, q);
    expect(r.ok && hex.encode(r.sweep.unsignedTx)).toBe(hex.encode(bump.unsignedTx));
    expect(r.ok && r.feeRateSatPerKvb).toBe((bump.baseFee * 1000n) / vsize);
    // A rate above the floor sets the fee itself and is found as such.
    const market = buildSweep({ ...q, feeRate: 40.5 });
    const m = rebuildSweep(market.unsignedTx, q);
    expect(m.ok && m.sweep.fee).toBe(market.fee);
    expect(m.ok && baseFeeAt(market, q, m.feeRateSatPerKvb)).toBe(m.ok && m.sweep.baseFee);
    expect(m.ok && m.feeRateSatPerKvb > 40_000n && m.feeRateSatPerKvb < 41_000n).toBe(true);
    // Signers passing a larger replaced fee expect more than the bump pays.
    const more = refused(bump.unsignedTx, { ...p, replaces: { fee: first.fee + 500n } });
    expect(more[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/below the replacement floor/),
    });
  });

  it('refuses a changed amount, naming the output', () => {
    const up = refused(
      tampered((raw) => {
        raw.outputs[3]!.amount += 1n;
      }),
    );
    expect(up).toContainEqual(
      expect.objectContaining({
        kind: 'output-amount',
        index: 3,
        role: 'withdrawal',
        requestId: 43n,
        expected: 100_001n,
        actual: 100_002n,
      }),
    );
    const down = refused(
      tampered((raw) => {
        raw.outputs[4]!.amount -= 1_000n;
      }),
    );
    expect(down).toContainEqual(
      expect.objectContaining({ kind: 'output-amount', index: 4, expected: 100_002n }),
    );
  });

  it('refuses swapped recipients', () => {
    const ms = refused(
      tampered((raw) => {
        [raw.outputs[2], raw.outputs[3]] = [raw.outputs[3]!, raw.outputs[2]!];
      }),
    );
    expect(
      ms.filter((m) => m.kind === 'output-script').map((m) => 'index' in m && m.index),
    ).toEqual([2, 3]);
  });

  it('refuses a missing input, an extra one and one not among the UTXOs', () => {
    // The coordinator left a wallet UTXO out: its own fee gives a rate, then the count differs.
    const fewer = buildSweep({ ...params, utxos: params.utxos.slice(0, 2) });
    expect(kinds(refused(fewer.unsignedTx))).toContain('input-count');
    // It spends one more than this signer knows of.
    const extra = { ...params, utxos: [...params.utxos, utxo('r/d', 900_000n, key)] };
    const ms = refused(buildSweep(extra).unsignedTx);
    expect(ms[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/^input \d spends [0-9a-f]{64}:0, which is not in "utxos"$/),
    });
    expect(kinds(ms)).toContain('input-count');
    const moved = refused(
      tampered((raw) => {
        raw.inputs[1]!.index += 1;
      }),
    );
    expect(moved[0]).toMatchObject({ kind: 'rebuild-failed' });
    expect(moved).toContainEqual(expect.objectContaining({ kind: 'input-outpoint', index: 1 }));
  });

  it('refuses change to another key', () => {
    const ms = refused(buildSweep({ ...params, changeOutputKey: other }).unsignedTx);
    expect(ms).toEqual([
      expect.objectContaining({ kind: 'output-script', index: 0, role: 'change' }),
    ]);
  });

  it('refuses a request whose share exceeds the max-fee this signer knows', () => {
    const paid = sweep.requests[5]!;
    const requests = p.requests.map((r) =>
      r.id === paid.id ? { ...r, maxFee: paid.fee - 1n } : r,
    );
    const ms = refused(sweep.unsignedTx, { ...p, requests });
    expect(kinds(ms)).toContain('output-count');
    expect(ms).toContainEqual(
      expect.objectContaining({ kind: 'output-script', index: 1, role: 'op-return' }),
    );
  });

  it('refuses a fee rate outside MIN_FEE_RATE..MAX_FEE_RATE', () => {
    // One payment, so any fee is a base fee: the change takes all of it but 1 sat or adds
    // a rate over the maximum.
    const one = { ...params, requests: [request(7n, 100_000n, 10_000_000n)] };
    const single = buildSweep(one);
    const edit = (delta: bigint) => {
      const raw = RawTx.decode(single.unsignedTx);
      raw.outputs[0]!.amount += delta;
      return RawTx.encode(raw);
    };
    const low = refused(edit(single.fee - 1n), unrated(one));
    expect(low[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/implies 0\.\d+ sat\/vB, outside 0\.1\.\.5000$/),
    });
    expect(low).toContainEqual(expect.objectContaining({ kind: 'output-amount', index: 0 }));
    const burn = BigInt(single.vsize) * BigInt(MAX_FEE_RATE + 1);
    const high = refused(edit(-burn), unrated(one));
    expect(high[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/implies 50\d\d\.?\d* sat\/vB, outside 0\.1\.\.5000$/),
    });
    // A replaced fee so large that the bump pays over MAX_FEE_RATE: buildSweep builds it, a
    // signer does not sign it.
    const huge = { ...unrated(one), replaces: { fee: burn } };
    const bump = buildSweep({ ...huge, feeRate: 1 });
    expect(kinds(refused(bump.unsignedTx, huge))).toEqual(['rebuild-failed']);
  });

  it('refuses what is not a sweep: no payment, unparseable bytes, malformed params', () => {
    const bare = refused(tampered((raw) => void raw.outputs.splice(2)));
    expect(bare[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/no sum of per-request shares/),
    });
    expect(kinds(refused(sweep.unsignedTx.slice(0, 40)))).toEqual(['unparseable']);
    expect(kinds(refused('zz'))).toEqual(['unparseable']);
    const bad = { ...p, utxos: p.utxos.map((u) => ({ ...u, amount: Number(u.amount) })) };
    expect(refused(sweep.unsignedTx, bad as unknown as Unrated)[0]).toMatchObject({
      kind: 'rebuild-failed',
      detail: expect.stringMatching(/^TypeError: /),
    });
  });
});
