import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { OutScript, SigHash, Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { fromBtc } from '../src/bitcoin/amount.ts';
import { RpcError } from '../src/bitcoin/errors.ts';
import { COINBASE_MATURITY, Ledger } from '../src/bitcoin/ledger.ts';
import { type Coin, segwitKey, signAll, tamperSignature, taprootKey } from './btc-helpers.ts';

const alice = taprootKey(1);
const mallory = taprootKey(2);
const payee = taprootKey(3);

function fundedLedger(amount = 1_000_000n): { ledger: Ledger; coin: Coin } {
  const ledger = new Ledger({ now: () => 1_700_000_000 });
  ledger.genesis(2);
  const { txid } = ledger.faucet(alice.script, amount);
  ledger.mineBlock(payee.script);
  return { ledger, coin: { txid, vout: 0, script: alice.script, amount } };
}

function rejection(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof RpcError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('bitcoin ledger', () => {
  it('accepts a valid key-path spend, mines it and moves the UTXOs', () => {
    const { ledger, coin } = fundedLedger();
    const raw = signAll([coin], [{ script: payee.script, amount: 900_000n }], alice.secret);
    const accepted = ledger.submit(raw);
    expect(accepted.fee).toBe(100_000n);
    expect(ledger.mempoolTxids()).toEqual([accepted.txid]);
    const block = ledger.mineBlock(payee.script);
    expect(block.txids).toContain(accepted.txid);
    expect(ledger.unspent(alice.script)).toEqual([]);
    expect(ledger.unspent(payee.script).map((u) => u.amount)).toContain(900_000n);
    expect(ledger.transaction(accepted.txid)?.blockHash).toBe(block.hash);
    // Replaying a confirmed transaction is refused like bitcoind does.
    expect(rejection(() => ledger.submit(raw)).code).toBe(-27);
  });

  it('rejects a tampered signature', () => {
    const { ledger, coin } = fundedLedger();
    const raw = signAll([coin], [{ script: payee.script, amount: 900_000n }], alice.secret);
    expect(rejection(() => ledger.submit(tamperSignature(raw)))).toEqual({
      code: -26,
      message: 'mandatory-script-verify-flag-failed (Invalid Schnorr signature)',
    });
    expect(ledger.mempoolTxids()).toEqual([]);
  });

  it('rejects a signature by the wrong key', () => {
    const { ledger, coin } = fundedLedger();
    const raw = signAll([coin], [{ script: payee.script, amount: 900_000n }], mallory.secret);
    expect(rejection(() => ledger.submit(raw)).message).toMatch(/Invalid Schnorr signature/);
  });

  it('rejects a signature over different amounts (the BIP341 sighash commits to them)', () => {
    const { ledger, coin } = fundedLedger();
    const raw = signAll(
      [{ ...coin, amount: coin.amount + 1n }],
      [{ script: payee.script, amount: 900_000n }],
      alice.secret,
    );
    expect(rejection(() => ledger.submit(raw)).message).toMatch(/Invalid Schnorr signature/);
  });

  it('rejects double spends, in the mempool and after confirmation', () => {
    const { ledger, coin } = fundedLedger();
    const first = signAll([coin], [{ script: payee.script, amount: 900_000n }], alice.secret);
    // Same input, lower fee (50,000 < 100,000 sats): not a valid replacement.
    const second = signAll([coin], [{ script: mallory.script, amount: 950_000n }], alice.secret);
    const accepted = ledger.submit(first);
    expect(rejection(() => ledger.submit(second))).toEqual({
      code: -26,
      message: expect.stringMatching(
        /^insufficient fee, rejecting replacement [0-9a-f]{64}; new feerate/,
      ),
    });
    expect(ledger.mempoolTxids()).toEqual([accepted.txid]);
    ledger.mineBlock(payee.script);
    expect(rejection(() => ledger.submit(second))).toEqual({
      code: -25,
      message: 'bad-txns-inputs-missingorspent',
    });
  });

  it('replaces by fee like Core (full RBF): higher rate and enough extra fee, descendants evicted', () => {
    const { ledger, coin } = fundedLedger();
    const first = ledger.submit(
      signAll([coin], [{ script: alice.script, amount: 900_000n }], alice.secret),
    );
    const child: Coin = { txid: first.txid, vout: 0, script: alice.script, amount: 900_000n };
    const second = ledger.submit(
      signAll([child], [{ script: payee.script, amount: 890_000n }], alice.secret),
    );
    // Higher rate than `first` but less than first + second's fees together: refused.
    const cheap = signAll([coin], [{ script: mallory.script, amount: 895_000n }], alice.secret);
    expect(rejection(() => ledger.submit(cheap)).message).toMatch(/less fees than conflicting txs/);
    // Exactly the evicted fees: lacks the incremental relay fee (1 sat/vB).
    const bare = signAll([coin], [{ script: mallory.script, amount: 890_000n }], alice.secret);
    expect(rejection(() => ledger.submit(bare)).message).toMatch(
      /not enough additional fees to relay/,
    );
    const rbf = ledger.submit(
      signAll([coin], [{ script: mallory.script, amount: 880_000n }], alice.secret),
    );
    expect(rbf.replaces?.sort()).toEqual([first.txid, second.txid].sort());
    expect(ledger.mempoolTxids()).toEqual([rbf.txid]);
    expect(ledger.transaction(second.txid)).toBeUndefined();
    const block = ledger.mineBlock(payee.script);
    expect(block.txids.slice(1)).toEqual([rbf.txid]);
    expect(ledger.unspent(mallory.script).map((u) => u.amount)).toEqual([880_000n]);
  });

  it('refuses a replacement that spends what it evicts or adds unconfirmed inputs', () => {
    const { ledger, coin } = fundedLedger();
    const first = ledger.submit(
      signAll([coin], [{ script: alice.script, amount: 900_000n }], alice.secret),
    );
    const own: Coin = { txid: first.txid, vout: 0, script: alice.script, amount: 900_000n };
    // Spends `coin` again and an output of `first`, which it would evict.
    const selfish = signAll(
      [coin, own],
      [{ script: payee.script, amount: 1_000_000n }],
      alice.secret,
    );
    expect(rejection(() => ledger.submit(selfish)).message).toBe('bad-txns-spends-conflicting-tx');
  });

  it('rejects spending the same outpoint twice in one transaction', () => {
    const { ledger, coin } = fundedLedger();
    const raw = signAll([coin, coin], [{ script: payee.script, amount: 900_000n }], alice.secret);
    expect(rejection(() => ledger.submit(raw)).message).toBe('bad-txns-inputs-duplicate');
  });

  it('rejects an overspend', () => {
    const { ledger, coin } = fundedLedger();
    // scure refuses to finalize an overspend, so the spender claims a larger prevout amount;
    // the ledger uses the amount it knows, and checks the balance before any signature.
    const raw = signAll(
      [{ ...coin, amount: coin.amount + 10n }],
      [{ script: payee.script, amount: coin.amount + 1n }],
      alice.secret,
    );
    expect(rejection(() => ledger.submit(raw))).toEqual({
      code: -26,
      message: 'bad-txns-in-belowout',
    });
  });

  it('rejects an unknown input', () => {
    const { ledger } = fundedLedger();
    const ghost: Coin = { txid: 'ab'.repeat(32), vout: 0, script: alice.script, amount: 1_000n };
    const raw = signAll([ghost], [{ script: payee.script, amount: 500n }], alice.secret);
    expect(rejection(() => ledger.submit(raw))).toEqual({
      code: -25,
      message: 'bad-txns-inputs-missingorspent',
    });
  });

  it('rejects garbage with the decode error', () => {
    const { ledger } = fundedLedger();
    expect(rejection(() => ledger.submit('00ff'))).toEqual({
      code: -22,
      message: 'TX decode failed',
    });
    expect(rejection(() => ledger.submit('not hex'))).toEqual({
      code: -22,
      message: 'TX decode failed',
    });
  });

  it('accepts chained unconfirmed spends and counts confirmations from the tip', () => {
    const { ledger, coin } = fundedLedger();
    const a = ledger.submit(
      signAll([coin], [{ script: alice.script, amount: 990_000n }], alice.secret),
    );
    const child: Coin = { txid: a.txid, vout: 0, script: alice.script, amount: 990_000n };
    const b = ledger.submit(
      signAll([child], [{ script: payee.script, amount: 980_000n }], alice.secret),
    );
    const block = ledger.mineBlock(payee.script);
    expect(block.txids.slice(1)).toEqual([a.txid, b.txid]);
    ledger.mineBlock(payee.script);
    expect(ledger.height - block.height + 1).toBe(2);
  });

  it('enforces coinbase maturity', () => {
    const ledger = new Ledger();
    ledger.genesis(0);
    const block = ledger.mineBlock(alice.script);
    const coin: Coin = {
      txid: block.txids[0]!,
      vout: 0,
      script: alice.script,
      amount: 50n * 100_000_000n,
    };
    const raw = signAll([coin], [{ script: payee.script, amount: 1_000_000n }], alice.secret);
    expect(rejection(() => ledger.submit(raw)).message).toBe(
      'bad-txns-premature-spend-of-coinbase',
    );
    for (let i = 0; i < COINBASE_MATURITY - 1; i++) ledger.mineBlock(payee.script);
    expect(ledger.submit(raw).txid).toHaveLength(64);
  });

  it('verifies P2WPKH spends (BIP143 + ECDSA) and rejects a wrong key', () => {
    const bob = segwitKey(7);
    const eve = segwitKey(8);
    const ledger = new Ledger();
    ledger.genesis(0);
    const { txid } = ledger.faucet(bob.script, 500_000n);
    const spend = (secret: Uint8Array, pub: Uint8Array) => {
      const tx = new Transaction();
      tx.addInput({ txid, index: 0, witnessUtxo: { script: bob.script, amount: 500_000n } });
      tx.addOutput({ script: payee.script, amount: 400_000n });
      const scriptCode = OutScript.encode({ type: 'pkh', hash: bob.script.subarray(2) });
      const sighash = tx.preimageWitnessV0(0, scriptCode, SigHash.ALL, 500_000n);
      const der = secp256k1.sign(sighash, secret, { prehash: false, format: 'der' });
      tx.updateInput(
        0,
        { finalScriptWitness: [Uint8Array.from([...der, SigHash.ALL]), pub] },
        true,
      );
      return tx.hex;
    };
    expect(rejection(() => ledger.submit(spend(eve.secret, eve.pub))).message).toMatch(
      /hash mismatch/,
    );
    expect(rejection(() => ledger.submit(spend(eve.secret, bob.pub))).message).toMatch(
      /mandatory-script-verify-flag-failed/,
    );
    expect(ledger.submit(spend(bob.secret, bob.pub)).fee).toBe(100_000n);
  });

  it('uses real double-SHA256 header hashes by default, chained by prevHash', () => {
    const { ledger } = fundedLedger();
    const [a, b] = ledger.blocks.slice(-2);
    expect(b!.prevHash).toBe(a!.hash);
    expect(new Set(ledger.blocks.map((x) => x.hash)).size).toBe(ledger.blocks.length);
  });
});

describe('bitcoin ledger: taproot hash types', () => {
  it('accepts a 65-byte SIGHASH_ALL signature and refuses hash type 0x00 spelled out', () => {
    const { ledger, coin } = fundedLedger();
    const outputs = [{ script: payee.script, amount: 900_000n }];
    const spend = (hashType: number) => {
      const tx = new Transaction({ allowUnknownOutputs: true });
      tx.addInput({
        txid: coin.txid,
        index: coin.vout,
        witnessUtxo: { script: coin.script, amount: coin.amount },
      });
      for (const o of outputs) tx.addOutput(o);
      const sighash = tx.preimageWitnessV1(0, [coin.script], hashType, [coin.amount]);
      const sig = Uint8Array.from([...schnorr.sign(sighash, alice.secret), hashType]);
      tx.updateInput(0, { finalScriptWitness: [sig] }, true);
      return tx.hex;
    };
    expect(rejection(() => ledger.check(spend(SigHash.DEFAULT))).message).toMatch(/hash type/);
    expect(ledger.submit(spend(SigHash.ALL)).fee).toBe(100_000n);
  });
});

describe('amounts', () => {
  it('parses BTC amounts exactly and refuses sub-satoshi precision', () => {
    expect(fromBtc(0.1)).toBe(10_000_000n);
    expect(fromBtc('0.00000001')).toBe(1n);
    expect(fromBtc(21)).toBe(2_100_000_000n);
    expect(() => fromBtc(0.123456789)).toThrow(/Invalid amount/);
    expect(() => fromBtc('0.123456789')).toThrow(/Invalid amount/);
    expect(() => fromBtc(-1)).toThrow();
    expect(() => fromBtc(21_000_001)).toThrow(/out of range/);
  });
});
