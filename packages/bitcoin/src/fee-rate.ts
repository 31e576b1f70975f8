/** Lowest accepted fee rate, sat/vB (Bitcoin Core 29's minimum relay fee). */
export const MIN_FEE_RATE = 0.1;
/**
 * Highest accepted fee rate, sat/vB: half of Bitcoin Core's default `maxfeerate` for
 * sendrawtransaction (0.1 BTC/kvB), so a BTC/kvB value passed as sat/vB, or a runaway
 * estimate, is refused instead of burning the wallet.
 */
export const MAX_FEE_RATE = 5000;

/** A sat/vB fee rate as an integer sat/kvB, after checking it is in range. */
export function feeRateToSatPerKvb(feeRate: number): bigint {
  if (typeof feeRate !== 'number' || !Number.isFinite(feeRate)) {
    throw new TypeError(`"feeRate" expected a finite number of sat/vB, got ${typeof feeRate}`);
  }
  if (feeRate < MIN_FEE_RATE || feeRate > MAX_FEE_RATE) {
    throw new RangeError(
      `"feeRate" expected ${MIN_FEE_RATE}..${MAX_FEE_RATE} sat/vB, got ${feeRate}`,
    );
  }
  return BigInt(Math.round(feeRate * 1000));
}

/** sat/vB from a Bitcoin Core estimate in BTC/kvB (`estimatesmartfee`'s `feerate`). */
export function feeRateFromBtcPerKvb(btcPerKvb: number): number {
  if (typeof btcPerKvb !== 'number' || !Number.isFinite(btcPerKvb) || btcPerKvb < 0) {
    throw new RangeError(`"btcPerKvb" expected a non-negative number, got ${btcPerKvb}`);
  }
  // 1 BTC/kvB = 1e8 sat / 1000 vB = 1e5 sat/vB; round to whole sat/kvB.
  return Math.round(btcPerKvb * 1e8) / 1000;
}
