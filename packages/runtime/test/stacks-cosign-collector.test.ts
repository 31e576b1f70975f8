import { assembleMultisigCall, MultisigError } from '@peg/stacks-client';
import {
  deserializeTransaction,
  type MultiSigSpendingCondition,
  StacksWireType,
} from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import { answerCosignRequest } from '../src/stacks-cosign/answer.ts';
import { checkCosignRequest } from '../src/stacks-cosign/check-request.ts';
import { CosignCollector, type CosignResponse } from '../src/stacks-cosign/collector.ts';
import { cosign } from '../src/stacks-cosign/cosign.ts';
import {
  build,
  EXPECTED,
  KEYS,
  NONCE,
  SECRETS,
  SIGNERS,
  secretOf,
  THRESHOLD,
} from './stacks-cosign-fixture.ts';

/** Signer `i`'s (0-based) answer to `tx`, as it would send it. */
const answerOf = (tx: string, i: number): CosignResponse =>
  answerCosignRequest(tx, EXPECTED, 'devnet', SECRETS[i]!).payload;

/** Auth fields of an assembled transaction: which are signatures, in key order. */
function fieldKinds(txHex: string): string[] {
  const condition = deserializeTransaction(txHex).auth
    .spendingCondition as MultiSigSpendingCondition;
  return condition.fields.map((f) =>
    f.contents.type === StacksWireType.MessageSignature ? 'sig' : 'key',
  );
}

describe('CosignCollector', () => {
  it('three signatures are not enough: it does not assemble; the fourth is', async () => {
    const tx = await build();
    const collector = new CosignCollector(tx, SIGNERS);
    for (const i of [4, 0, 2])
      expect(collector.add(i + 1, answerOf(tx, i))).toEqual({ status: 'signed' });
    expect(collector.signatureCount).toBe(3);
    expect(collector.missing).toBe(1);
    expect(() => collector.assemble()).toThrow(/3 signatures, 4 required/);
    expect(collector.add(2, answerOf(tx, 1))).toEqual({ status: 'signed' });
    expect(collector.missing).toBe(0);
    const signed = collector.assemble();
    // one auth field per key, in the set's order; signatures where they came from
    expect(fieldKinds(signed.txHex)).toEqual(['sig', 'sig', 'sig', 'key', 'sig']);
    // a signer would now see it as already signed
    expect(checkCosignRequest(signed.txHex, EXPECTED, 'devnet')).toMatchObject({
      reason: 'already-signed',
    });
  });

  it('uses exactly threshold signatures, the first to arrive, when all five sign', async () => {
    const tx = await build();
    const collector = new CosignCollector(tx, SIGNERS);
    for (const i of [3, 1, 0, 4, 2]) collector.add(i + 1, answerOf(tx, i));
    expect(collector.signatureCount).toBe(5);
    expect(fieldKinds(collector.assemble().txHex)).toEqual(['sig', 'sig', 'key', 'sig', 'sig']);
  });

  it('records refusals by party, first answer stands', async () => {
    const tx = await build();
    const collector = new CosignCollector(tx, SIGNERS);
    const refused = answerCosignRequest(tx, undefined, 'devnet', SECRETS[0]!).payload;
    expect(collector.add(1, refused)).toEqual({ status: 'refused', reason: 'unexpected-call' });
    expect(collector.add(1, answerOf(tx, 0))).toEqual({
      status: 'ignored',
      why: 'already-answered',
    });
    expect(collector.add(2, answerOf(tx, 1))).toEqual({ status: 'signed' });
    expect(collector.add(2, answerOf(tx, 1))).toEqual({
      status: 'ignored',
      why: 'already-answered',
    });
    expect([...collector.refusals]).toEqual([[1, 'unexpected-call']]);
    expect(collector.signatureCount).toBe(1);
  });

  it('ignores foreign keys, duplicate keys, bad signatures and answers to another transaction', async () => {
    const tx = await build();
    const other = await build({ nonce: NONCE + 1n });
    const collector = new CosignCollector(tx, SIGNERS);
    const good = answerOf(tx, 0);
    const outsider = cosign(tx, secretOf('outsider'));
    const ignored = (why: string) => ({ status: 'ignored', why });

    expect(collector.add(9, { ...good, result: { type: 'signed', ...outsider } })).toEqual(
      ignored('foreign-key'),
    );
    // a valid signature by key 0 claimed as key 1's
    const stolen = { ...good, result: { ...good.result, publicKey: KEYS[1]! } } as CosignResponse;
    expect(collector.add(2, stolen)).toEqual(ignored('bad-signature'));
    // signer 0's signature of another transaction, presented for this one
    const replayed = {
      ...good,
      result: answerCosignRequest(other, { ...EXPECTED, nonce: NONCE + 1n }, 'devnet', SECRETS[0]!)
        .payload.result,
    };
    expect(replayed.result.type).toBe('signed');
    expect(collector.add(1, replayed)).toEqual(ignored('bad-signature'));
    // an answer naming another transaction
    expect(collector.add(1, answerOf(other, 0))).toEqual(ignored('other-transaction'));
    // garbage signature bytes
    const garbage = {
      ...good,
      result: { ...good.result, signature: `00${'ff'.repeat(64)}` },
    } as CosignResponse;
    expect(collector.add(1, garbage)).toEqual(ignored('bad-signature'));
    expect(collector.signatureCount).toBe(0);

    expect(collector.add(1, good)).toEqual({ status: 'signed' });
    // the same key's signature again, sent by another party
    expect(collector.add(3, good)).toEqual(ignored('duplicate-key'));
    expect(collector.signatureCount).toBe(1);
    // none of the ignored answers used up a party's turn
    expect(collector.add(2, answerOf(tx, 1))).toEqual({ status: 'signed' });
  });

  it('refuses, at construction, a transaction that is not the unsigned multisig of the set', async () => {
    const tx = await build();
    const threeOfFive = await build({ threshold: 3 });
    expect(() => new CosignCollector(threeOfFive, SIGNERS)).toThrow(TypeError);
    expect(() => new CosignCollector(`${tx}00`, SIGNERS)).toThrow(TypeError);
    expect(() => new CosignCollector(tx, { publicKeys: KEYS, threshold: 6 })).toThrow(RangeError);
    const signed = new CosignCollector(tx, SIGNERS);
    for (let i = 0; i < THRESHOLD; i++) signed.add(i + 1, answerOf(tx, i));
    expect(() => new CosignCollector(signed.assemble().txHex, SIGNERS)).toThrow(/auth fields/);
  });

  it('assembly still verifies: keys given in another order than the address hashes', async () => {
    // A collector given the set in another order refuses at construction (another hash), and
    // stacks-client's assembly refuses signatures in a wrong key order: order matters.
    const tx = await build();
    expect(
      () => new CosignCollector(tx, { publicKeys: [...KEYS].reverse(), threshold: 4 }),
    ).toThrow(/multisig of the signer set/);
    const sigs = [0, 1, 2, 3].map((i) => cosign(tx, SECRETS[i]!));
    expect(() => assembleMultisigCall(tx, [...KEYS].reverse(), sigs)).toThrow(MultisigError);
  });
});
