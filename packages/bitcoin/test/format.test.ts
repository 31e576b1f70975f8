// Freezes the sweep format: the worked example of docs/chains.md ("Sweep transaction") and the
// OP_RETURN id encoding. A change here is a format change: update the docs with it.
import { hex } from '@scure/base';
import { Script } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import {
  buildSweep,
  decodeWithdrawalIds,
  encodeWithdrawalIds,
  parseWithdrawalIdsScript,
  RECIPIENT_VERSION,
  REGTEST_NETWORK,
  recipientFromAddress,
  recipientScript,
  TESTNET_NETWORK,
  taprootOutputKey,
  walletAddress,
  withdrawalIdsScript,
} from '../src/index.ts';
import { bytes, xOnly } from './fixtures-gen.ts';

describe('docs/chains.md worked example', () => {
  const sweep = buildSweep({
    utxos: [
      { txid: `${'11'.repeat(31)}22`, vout: 1, amount: 1_000_000n, outputKey: xOnly('wallet') },
    ],
    requests: [
      {
        id: 5n,
        amount: 100_000n,
        maxFee: 2_000n,
        recipient: { version: 4, hashbytes: bytes('a', 20) },
      },
      {
        id: 300n,
        amount: 250_000n,
        maxFee: 2_000n,
        recipient: { version: 6, hashbytes: xOnly('b') },
      },
    ],
    feeRate: 10,
    changeOutputKey: xOnly('wallet2'),
  });

  it('has the documented bytes, size and fees', () => {
    expect(hex.encode(sweep.unsignedTx)).toBe(
      '02000000012211111111111111111111111111111111111111111111111111111111111111' +
        '0100000000fdffffff04' +
        '2be3090000000000225120b21a74386e1a0457f4a5294cede9ac8e46157f264f0d131a1ced33bdc9bffe15' +
        '0000000000000000086a0650470105a702' +
        'a086010000000000160014ca978112ca1bbdcafac231b39a23dc4da786eff8' +
        '90d0030000000000225120c2794f47b7da3876c4842b5bca07bd9b44facb9a982afdee93fb22a5752565b2' +
        '00000000',
    );
    expect([sweep.vsize, sweep.weight]).toEqual([202, 808]);
    expect([sweep.baseFee, sweep.fee]).toEqual([2020n, 2021n]);
    expect(sweep.requests.map((r) => r.fee)).toEqual([847n, 1174n]);
    expect(sweep.outputs[0]!.amount).toBe(647_979n);
  });
});

describe('OP_RETURN withdrawal ids', () => {
  it('encodes "PG", version 1 and delta-LEB128 ids', () => {
    expect(hex.encode(encodeWithdrawalIds([5n, 300n]))).toBe('50470105a702');
    expect(hex.encode(encodeWithdrawalIds([0n, 1n, 2n]))).toBe('504701000101');
    expect(hex.encode(encodeWithdrawalIds([]))).toBe('504701');
    const big = (1n << 128n) - 1n;
    expect(decodeWithdrawalIds(encodeWithdrawalIds([0n, big]))).toEqual([0n, big]);
  });

  it('round-trips any increasing id list', () => {
    const ids = [3n, 4n, 130n, 16_513n, 1n << 40n, (1n << 40n) + 1n];
    expect(decodeWithdrawalIds(encodeWithdrawalIds(ids))).toEqual(ids);
    expect(parseWithdrawalIdsScript(withdrawalIdsScript(ids))).toEqual(ids);
  });

  it('uses OP_PUSHDATA1 above 75 bytes', () => {
    const ids = Array.from({ length: 77 }, (_, i) => BigInt(i));
    const script = withdrawalIdsScript(ids);
    expect(hex.encode(script.slice(0, 3))).toBe('6a4c50');
    expect(script.length).toBe(83);
    expect(parseWithdrawalIdsScript(script)).toEqual(ids);
  });

  it('refuses unordered ids and non-canonical payloads', () => {
    expect(() => encodeWithdrawalIds([2n, 2n])).toThrow(RangeError);
    expect(() => encodeWithdrawalIds([3n, 1n])).toThrow(RangeError);
    expect(() => encodeWithdrawalIds([-1n])).toThrow(RangeError);
    expect(() => decodeWithdrawalIds(hex.decode('50470205'))).toThrow(/magic/);
    expect(() => decodeWithdrawalIds(hex.decode('5047010580'))).toThrow(/truncated/);
    expect(() => decodeWithdrawalIds(hex.decode('504701058000'))).toThrow(/non-minimal/);
    expect(() => decodeWithdrawalIds(hex.decode('5047010500'))).toThrow(/zero delta/);
    // The same payload with a non-minimal push (OP_PUSHDATA1 for 6 bytes).
    expect(() => parseWithdrawalIdsScript(hex.decode('6a4c0650470105a702'))).toThrow(/canonical/);
    expect(() => parseWithdrawalIdsScript(Script.encode(['RETURN']))).toThrow(RangeError);
    expect(() => parseWithdrawalIdsScript(hex.decode('6a4c'))).toThrow(RangeError);
    expect(() => parseWithdrawalIdsScript(hex.decode('6a055047'))).toThrow(RangeError);
  });
});

describe('recipients and wallet addresses', () => {
  it('maps addresses to sBTC recipients and back to the same script', () => {
    const cases: [string, number][] = [
      ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', RECIPIENT_VERSION.p2pkh],
      ['2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', RECIPIENT_VERSION.p2sh],
      ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', RECIPIENT_VERSION.p2wpkh],
      ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', RECIPIENT_VERSION.p2wsh],
    ];
    for (const [address, version] of cases) {
      const r = recipientFromAddress(address, TESTNET_NETWORK);
      expect(r.version).toBe(version);
      expect(recipientScript(r).ok).toBe(true);
    }
    const q = xOnly('tr');
    const tr = recipientFromAddress(walletAddress(q, REGTEST_NETWORK), REGTEST_NETWORK);
    expect(tr).toEqual({ version: RECIPIENT_VERSION.p2tr, hashbytes: q });
  });

  it('never tweaks an output key; taprootOutputKey tweaks an internal key (BIP341 vector)', () => {
    // BIP341 wallet test vector 0 (scriptPubKey, key-path only).
    const internal = hex.decode('d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d');
    expect(hex.encode(taprootOutputKey(internal))).toBe(
      '53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343',
    );
    const q = xOnly('q');
    expect(walletAddress(q, REGTEST_NETWORK)).toMatch(/^bcrt1p/);
  });
});
