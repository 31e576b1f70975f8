import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { MAX_FEE_RATE, MIN_FEE_RATE } from './fee-rate.ts';
import { parseWithdrawalIdsScript } from './op-return.ts';
import { recipientScript } from './recipient.ts';
import { outputWeight, sweepWeight, vsizeOf } from './size.ts';
import { INCREMENTAL_RELAY_FEE_SAT_PER_KVB } from './sweep.ts';
import type { Sweep, SweepParams } from './types.ts';
import { type SweepMismatch, type SweepValidation, validateSweep } from './validate.ts';

/** Outcome of `rebuildSweep`: the sweep and the fee rate it pays, or why it is not one. */
export type RebuildResult =
  | {
      ok: true;
      sweep: Sweep;
      /** sat/vB with 3 decimals: exactly `feeRateSatPerKvb / 1000`. */
      feeRate: number;
      feeRateSatPerKvb: bigint;
    }
  | { ok: false; mismatches: readonly SweepMismatch[] };

type RawSweep = ReturnType<typeof RawTx.decode>;

/** Rates to try (sat/kvB, best first), or why the fee fits none and a rate to explain at. */
type Plan = { rates: bigint[]; vsize: bigint } | { refusal: string; diagnostic: bigint };

const KVB = 1000n;
const MIN_KVB = BigInt(Math.round(MIN_FEE_RATE * 1000));
const MAX_KVB = BigInt(Math.round(MAX_FEE_RATE * 1000));

const clamp = (k: bigint): bigint => (k < MIN_KVB ? MIN_KVB : k > MAX_KVB ? MAX_KVB : k);
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/**
 * Base fees B whose shares Σ⌈w_i·B/Σw⌉ add up to `fee`, as [lowest, highest]. The sum is
 * non-decreasing in B and B <= sum < B + n, so every solution lies in (fee − n, fee]: two
 * binary searches, O(n log n) bigint operations.
 */
function baseFeeRange(weights: readonly bigint[], fee: bigint): [bigint, bigint] | undefined {
  const n = BigInt(weights.length);
  if (n === 0n || fee < 0n) return undefined;
  const total = weights.reduce((s, w) => s + w, 0n);
  const charged = (b: bigint) => weights.reduce((s, w) => s + ceilDiv(w * b, total), 0n);
  let lo = fee - n + 1n > 0n ? fee - n + 1n : 0n;
  for (let hi = fee; lo < hi; ) {
    const mid = (lo + hi) / 2n;
    if (charged(mid) >= fee) hi = mid;
    else lo = mid + 1n;
  }
  if (charged(lo) !== fee) return undefined;
  let top = fee;
  for (let bottom = lo; bottom < top; ) {
    const mid = (bottom + top + 1n) / 2n;
    if (charged(mid) <= fee) bottom = mid;
    else top = mid - 1n;
  }
  return [lo, top];
}

/** Does every payment of `raw` pay exactly the request its OP_RETURN names, as params say? */
function paysRequests(raw: RawSweep, params: Omit<SweepParams, 'feeRate'>): boolean {
  let ids: bigint[];
  try {
    ids = parseWithdrawalIdsScript(raw.outputs[1]!.script);
  } catch {
    return false;
  }
  if (raw.outputs.length !== ids.length + 2) return false;
  const byId = new Map(params.requests.map((r) => [r.id, r]));
  return ids.every((id, i) => {
    const r = byId.get(id);
    const out = raw.outputs[i + 2]!;
    const rs = r && out.amount === r.amount ? recipientScript(r.recipient) : undefined;
    return rs?.ok === true && hex.encode(rs.script) === hex.encode(out.script);
  });
}

/** The whole sat/kvB rates in range that may rebuild `raw`, from its own fee and size. */
function planRates(raw: RawSweep, params: Omit<SweepParams, 'feeRate'>): Plan {
  const amounts = new Map(params.utxos.map((u) => [`${u.txid}:${u.vout}`, u.amount]));
  let spent = 0n;
  for (const [i, input] of raw.inputs.entries()) {
    const op = `${hex.encode(input.txid)}:${input.index}`;
    const amount = amounts.get(op);
    if (amount === undefined) {
      return { refusal: `input ${i} spends ${op}, which is not in "utxos"`, diagnostic: MIN_KVB };
    }
    spent += amount;
  }
  const fee = spent - raw.outputs.reduce((s, o) => s + o.amount, 0n);
  // Size and weights as the transaction claims them; the rebuild then checks every byte.
  const scripts = raw.outputs.map((o) => o.script);
  const vsize = BigInt(vsizeOf(sweepWeight(raw.inputs.length, scripts)));
  const rateOf = (base: bigint) => (base * KVB) / vsize;
  const weights = scripts.slice(2).map((s) => BigInt(outputWeight(s)));
  const range = baseFeeRange(weights, fee);
  if (range === undefined) {
    return {
      refusal: `fee ${fee} is no sum of per-request shares of a base fee`,
      diagnostic: clamp(rateOf(fee > 0n ? fee : 0n)),
    };
  }
  const [lowest, highest] = range;
  const floor =
    params.replaces === undefined
      ? 0n
      : params.replaces.fee + ceilDiv(vsize * INCREMENTAL_RELAY_FEE_SAT_PER_KVB, KVB);
  const rates: bigint[] = [];
  const add = (k: bigint) => {
    if (k >= MIN_KVB && k <= MAX_KVB && !rates.includes(k)) rates.push(k);
  };
  // The replacement floor sets the base fee: 1 sat/vB keeps it in charge of every pass of
  // the exclusion loop, the highest rate under it (its effective rate) only of the last one.
  const floorSets = params.replaces !== undefined && lowest <= floor && floor <= highest;
  if (floorSets && rateOf(floor) <= MAX_KVB) {
    add(INCREMENTAL_RELAY_FEE_SAT_PER_KVB);
    add(rateOf(floor));
  }
  // The rate sets it: every k with least <= ⌈vsize·k/1000⌉ <= highest, from the highest down.
  const least = lowest > floor ? lowest : floor;
  const lowestRate = least === 0n ? 0n : ((least - 1n) * KVB) / vsize + 1n;
  for (let k = rateOf(highest); least <= highest && k >= lowestRate && k >= MIN_KVB; k--) add(k);
  if (rates.length === 0) {
    const rate = Number(rateOf(floorSets ? floor : highest)) / 1000;
    const why =
      floor > highest
        ? `is below the replacement floor ${floor}`
        : rate < MIN_FEE_RATE || rate > MAX_FEE_RATE
          ? `implies ${rate} sat/vB, outside ${MIN_FEE_RATE}..${MAX_FEE_RATE}`
          : `is ⌈vsize × rate⌉ at ${vsize} vB for no whole sat/kvB rate`;
    return {
      refusal: `fee ${fee} (base fee ${lowest}..${highest}) ${why}`,
      diagnostic: clamp(rateOf(highest)),
    };
  }
  return { rates, vsize };
}

/**
 * Rebuild a proposed unsigned sweep without being told its fee rate, and check it. A signer
 * never takes the rate from the coordinator: it is read off the transaction's own fee
 * F = Σ inputs − Σ outputs (spent amounts from `params.utxos` by outpoint; an input not there
 * is refused), then `validateSweep` rebuilds at that rate and compares every byte, so `ok`
 * means the bytes are identical and the rate is in MIN_FEE_RATE..MAX_FEE_RATE.
 *
 * Recovery: F = Σ⌈w_i·B/Σw⌉ over the paid outputs is non-decreasing in the base fee B with
 * F − n < B <= F, so the base fees giving F are found exactly by binary search, and the rates
 * k (sat/kvB) with ⌈vsize·k/1000⌉ among them form one interval, tried from ⌊1000·B/vsize⌋
 * down. All build the same last pass; only the exclusion loop's earlier, larger passes
 * (max-fee, insufficient-funds) can tell them apart. So the interval is walked only while the
 * transaction's payments match `params` and the rebuilt sweep pays other ids; once it pays the
 * same ids its verdict is final. Base fees giving the same F give the same shares, so
 * `sweep.baseFee` may differ from the coordinator's by a few sats; bytes and fees do not.
 * Bound: paid outputs are >= 31 vB each, so the interval holds at most ⌊1000·n/vsize⌋ + 1
 * <= 33 rates; with the two replacement candidates, at most 35 rebuilds, and one when the
 * exclusions did not hinge on the exact rate.
 *
 * With `replaces`, the floor replaces.fee + vsize may set the base fee; every rate under it
 * then builds the same last pass, and two are tried: 1 sat/vB (the floor sets every pass) and
 * the highest under the floor. The result reports the transaction's effective rate
 * ⌊1000·B/vsize⌋ (refused above MAX_FEE_RATE), not the rate the rebuild used (that one is
 * `sweep.feeRateSatPerKvb`). A bump that only a rate between these two would have built
 * (different exclusions in an earlier pass) is refused: a false refusal, never a false accept.
 *
 * Refused (ok: false) with `validateSweep`'s mismatches at the best rate; when no rate in
 * range gives the fee, first a `rebuild-failed` saying why, then those at the nearest rate.
 */
export function rebuildSweep(
  tx: Uint8Array | string,
  params: Omit<SweepParams, 'feeRate'>,
): RebuildResult {
  let bytes: Uint8Array;
  let raw: RawSweep;
  try {
    bytes = typeof tx === 'string' ? hex.decode(tx) : tx;
    raw = RawTx.decode(bytes);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, mismatches: [{ kind: 'unparseable', detail }] };
  }
  let plan: Plan;
  try {
    plan = planRates(raw, params);
  } catch (e) {
    // Malformed params (no utxos array, non-bigint amounts): reported as buildSweep would.
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, mismatches: [{ kind: 'rebuild-failed', detail }] };
  }
  const at = (k: bigint) => validateSweep(bytes, { ...params, feeRate: Number(k) / 1000 });
  if ('refusal' in plan) {
    const refusal: SweepMismatch = { kind: 'rebuild-failed', detail: plan.refusal };
    return { ok: false, mismatches: [refusal, ...at(plan.diagnostic).mismatches] };
  }
  const txIds = hex.encode(raw.outputs[1]?.script ?? new Uint8Array());
  let first: SweepValidation | undefined;
  for (const [i, k] of plan.rates.entries()) {
    const v = at(k);
    if (v.ok) {
      // The rate when it set the base fee, else the floor's effective rate.
      const set = ceilDiv(plan.vsize * k, KVB) >= v.sweep.baseFee;
      const rate = set ? k : (v.sweep.baseFee * KVB) / plan.vsize;
      return { ok: true, sweep: v.sweep, feeRate: Number(rate) / 1000, feeRateSatPerKvb: rate };
    }
    // Same ids, same last pass: no other rate changes a byte.
    const ids = v.sweep?.outputs[1]?.script;
    if (ids && hex.encode(ids) === txIds) return { ok: false, mismatches: v.mismatches };
    first ??= v;
    // Only the exclusions may hinge on the exact rate: a payment no rate can fix ends the walk.
    if (i === 0 && !paysRequests(raw, params)) break;
  }
  return { ok: false, mismatches: first!.mismatches };
}
