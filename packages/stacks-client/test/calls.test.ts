import { Cl, type ListCV, type TupleCV } from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import {
  acceptWithdrawalCall,
  completeWithdrawalsCall,
  decodeWithdrawalSweep,
  initiateWithdrawalCall,
  registerSignerKeyCall,
  rejectWithdrawalCall,
  rotateKeysCall,
  setSignerWeightCall,
} from '../src/index.ts';
import { scenario } from './fixtures.ts';

const key = scenario.signers[0]!.publicKey;
// Not a palindrome: the contracts get the bytes reversed (the hash's own order).
const txid = `01${'ab'.repeat(30)}02`;
const stored = `02${'ab'.repeat(30)}01`;

describe('contract call arguments', () => {
  it('builds the shapes the contracts take', () => {
    expect(
      rotateKeysCall({ keys: [key], aggregatePubkey: scenario.aggregate, threshold: 1 }),
    ).toEqual({
      contract: 'registry',
      functionName: 'rotate-keys',
      functionArgs: [
        Cl.list([Cl.bufferFromHex(key)]),
        Cl.bufferFromHex(scenario.aggregate),
        Cl.uint(1),
      ],
    });
    expect(registerSignerKeyCall(`0x${key}`).functionArgs).toEqual([Cl.bufferFromHex(key)]);
    expect(setSignerWeightCall(scenario.user, 3).functionArgs).toEqual([
      Cl.principal(scenario.user),
      Cl.uint(3),
    ]);
    expect(
      initiateWithdrawalCall({
        amount: 1000n,
        recipient: { version: 6, hashbytes: '22'.repeat(32) },
        maxFee: 10n,
      }).functionArgs,
    ).toEqual([
      Cl.uint(1000),
      Cl.tuple({ version: Cl.bufferFromHex('06'), hashbytes: Cl.bufferFromHex('22'.repeat(32)) }),
      Cl.uint(10),
    ]);
    expect(
      acceptWithdrawalCall({
        requestId: 1n,
        sweepTxid: txid,
        outputIndex: 2,
        fee: 100n,
        signerBitmap: 7n,
        burnHash: 'cd'.repeat(32),
        burnHeight: 9,
      }).functionArgs,
    ).toEqual([
      Cl.uint(1),
      Cl.bufferFromHex(stored),
      Cl.uint(7),
      Cl.uint(2),
      Cl.uint(100),
      Cl.bufferFromHex('cd'.repeat(32)),
      Cl.uint(9),
      Cl.bufferFromHex(stored),
    ]);
    expect(rejectWithdrawalCall({ requestId: 5n, signerBitmap: 3n }).functionArgs).toEqual([
      Cl.uint(5),
      Cl.uint(3),
    ]);
    const batch = completeWithdrawalsCall({
      sweepTxid: txid,
      burnHash: 'cd'.repeat(32),
      burnHeight: 9n,
      outcomes: [{ requestId: 5n, accepted: false, signerBitmap: 3n }],
    });
    expect(batch.functionArgs).toEqual([
      Cl.list([
        Cl.tuple({
          'request-id': Cl.uint(5),
          status: Cl.bool(false),
          'signer-bitmap': Cl.uint(3),
          'bitcoin-txid': Cl.none(),
          'output-index': Cl.none(),
          fee: Cl.none(),
          'burn-hash': Cl.bufferFromHex('cd'.repeat(32)),
          'burn-height': Cl.uint(9),
          'sweep-txid': Cl.none(),
        }),
      ]),
    ]);
  });

  it('refuses malformed arguments before anything is signed', () => {
    expect(() => registerSignerKeyCall(`04${key.slice(2)}`)).toThrow(/compressed/);
    expect(() => registerSignerKeyCall(key.slice(2))).toThrow(/33 bytes/);
    expect(() =>
      rotateKeysCall({ keys: [], aggregatePubkey: scenario.aggregate, threshold: 1 }),
    ).toThrow(RangeError);
    expect(() =>
      rotateKeysCall({
        keys: Array(16).fill(key),
        aggregatePubkey: scenario.aggregate,
        threshold: 9,
      }),
    ).toThrow(RangeError);
    expect(() => setSignerWeightCall(scenario.user, -1)).toThrow(RangeError);
    expect(() =>
      initiateWithdrawalCall({
        amount: 1000n,
        recipient: { version: 4, hashbytes: '11'.repeat(21) },
        maxFee: 0n,
      }),
    ).toThrow(/recipient.hashbytes/);
    expect(() =>
      initiateWithdrawalCall({
        amount: 1000n,
        recipient: { version: 256, hashbytes: '11'.repeat(20) },
        maxFee: 0n,
      }),
    ).toThrow(/recipient.version/);
    expect(() =>
      acceptWithdrawalCall({
        requestId: 1n,
        sweepTxid: 'xy'.repeat(32),
        outputIndex: 2,
        fee: 1n,
        signerBitmap: 0n,
        burnHash: 'cd'.repeat(32),
        burnHeight: 1,
      }),
    ).toThrow(/sweepTxid/);
    expect(() =>
      completeWithdrawalsCall({
        sweepTxid: txid,
        burnHash: 'cd'.repeat(32),
        burnHeight: 1,
        outcomes: [],
      }),
    ).toThrow(RangeError);
  });

  it('an accepted outcome in complete-withdrawals carries the txid in stored order; reading it back gives the display order', () => {
    const batch = completeWithdrawalsCall({
      sweepTxid: txid,
      burnHash: 'cd'.repeat(32),
      burnHeight: 9n,
      outcomes: [{ requestId: 5n, accepted: true, outputIndex: 1, fee: 3n, signerBitmap: 3n }],
    });
    const list = batch.functionArgs[0] as ListCV<TupleCV>;
    expect(list.value[0]!.value['sweep-txid']).toEqual(Cl.some(Cl.bufferFromHex(stored)));
    expect(list.value[0]!.value['bitcoin-txid']).toEqual(Cl.some(Cl.bufferFromHex(stored)));
    const read = decodeWithdrawalSweep(
      Cl.some(
        Cl.tuple({
          'sweep-txid': Cl.bufferFromHex(stored),
          'sweep-burn-hash': Cl.bufferFromHex('cd'.repeat(32)),
          'sweep-burn-height': Cl.uint(9),
        }),
      ),
    );
    expect(read?.sweepTxid).toBe(txid);
  });
});
