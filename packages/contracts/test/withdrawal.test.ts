import type { Simnet } from '@stacks/clarinet-sdk';
import { Cl, type ClarityValue, cvToValue } from '@stacks/transactions';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeBatchError, WITHDRAWAL_ERRORS as E, TOKEN_ERRORS } from '../src/index.ts';
import {
  accounts,
  aggregateKey,
  balances,
  burnHeader,
  call,
  errCode,
  freshSimnet,
  mint,
  P2TR_RECIPIENT,
  P2WPKH_RECIPIENT,
  printEvents,
  REGISTRY,
  read,
  recipientCV,
  registerSigners,
  rotate,
  signerPrincipal,
  silencePrintEcho,
  WITHDRAWAL,
} from './helpers.ts';

let simnet: Simnet;
let user: string;
let signers: string;

const TXID = 'ab'.repeat(32);

beforeAll(silencePrintEcho);
beforeEach(async () => {
  simnet = await freshSimnet();
  const acc = accounts(simnet);
  user = acc.wallet1;
  const keys = registerSigners(simnet, 3).map((s) => s.publicKey);
  expect(rotate(simnet, acc.deployer, keys, aggregateKey('w'), 2)).toEqual(Cl.ok(Cl.bool(true)));
  signers = signerPrincipal(simnet);
  mint(simnet, 1_000_000n, user);
});

function initiate(
  amount: number,
  maxFee: number,
  recipient: ClarityValue = P2WPKH_RECIPIENT,
  sender = user,
) {
  return call(
    simnet,
    WITHDRAWAL,
    'initiate-withdrawal-request',
    [Cl.uint(amount), recipient, Cl.uint(maxFee)],
    sender,
  );
}

/** A burn height in the past and the simnet's hash for it. */
function pastBurn(): { height: number; hash: string } {
  simnet.mineEmptyBlock();
  const height = simnet.burnBlockHeight - 1;
  return { height, hash: burnHeader(simnet, height) };
}

function accept(id: number, fee: number, sender = signers, burn = pastBurn()) {
  return call(
    simnet,
    WITHDRAWAL,
    'accept-withdrawal-request',
    [
      Cl.uint(id),
      Cl.bufferFromHex(TXID),
      Cl.uint(0b111),
      Cl.uint(2),
      Cl.uint(fee),
      Cl.bufferFromHex(burn.hash),
      Cl.uint(burn.height),
      Cl.bufferFromHex(TXID),
    ],
    sender,
  );
}

function reject(id: number, sender = signers) {
  return call(
    simnet,
    WITHDRAWAL,
    'reject-withdrawal-request',
    [Cl.uint(id), Cl.uint(0b011)],
    sender,
  );
}

type Entry = {
  id: number;
  accept: boolean;
  fee?: number;
  missing?: 'bitcoin-txid' | 'output-index' | 'fee' | 'sweep-txid';
};

function batchEntry(e: Entry, burn: { height: number; hash: string }): ClarityValue {
  const opt = (name: string, v: ClarityValue) =>
    e.accept && e.missing !== name ? Cl.some(v) : Cl.none();
  return Cl.tuple({
    'request-id': Cl.uint(e.id),
    status: Cl.bool(e.accept),
    'signer-bitmap': Cl.uint(0b111),
    'bitcoin-txid': opt('bitcoin-txid', Cl.bufferFromHex(TXID)),
    'output-index': opt('output-index', Cl.uint(2 + e.id)),
    fee: opt('fee', Cl.uint(e.fee ?? 0)),
    'burn-hash': Cl.bufferFromHex(burn.hash),
    'burn-height': Cl.uint(burn.height),
    'sweep-txid': opt('sweep-txid', Cl.bufferFromHex(TXID)),
  });
}

function complete(entries: Entry[], sender = signers, burn = pastBurn()) {
  return call(
    simnet,
    WITHDRAWAL,
    'complete-withdrawals',
    [Cl.list(entries.map((e) => batchEntry(e, burn)))],
    sender,
  );
}

describe('initiate-withdrawal-request', () => {
  it('locks amount + max-fee, stores the request and prints withdrawal-create', () => {
    const r = initiate(10_000, 500);
    expect(r.result).toEqual(Cl.ok(Cl.uint(1)));
    expect(balances(simnet, user)).toEqual({ available: 1_000_000n - 10_500n, locked: 10_500n });
    const height = simnet.burnBlockHeight - 1;
    const request = read(simnet, REGISTRY, 'get-withdrawal-request', [Cl.uint(1)]);
    expect(request.type).toBe('some');
    const value = cvToValue(request) as { value: Record<string, { value: unknown }> };
    expect(value.value.amount?.value).toBe('10000');
    expect(value.value['max-fee']?.value).toBe('500');
    expect(value.value.sender?.value).toBe(user);
    expect(value.value.status?.value).toBeNull();
    expect(Number(value.value['block-height']?.value)).toBeGreaterThanOrEqual(height);
    expect(cvToValue(printEvents(r.events)[0]!)).toMatchObject({
      topic: { value: 'withdrawal-create' },
      'request-id': { value: '1' },
      amount: { value: '10000' },
      'max-fee': { value: '500' },
      sender: { value: user },
    });
    expect(initiate(600, 0, P2TR_RECIPIENT).result).toEqual(Cl.ok(Cl.uint(2)));
    expect(read(simnet, REGISTRY, 'get-last-withdrawal-request-id', [])).toEqual(Cl.uint(2));
  });

  it('accepts every address version with its exact hash length', () => {
    for (let version = 0; version <= 6; version++) {
      const len = version <= 4 ? 20 : 32;
      expect(initiate(1000, 0, recipientCV(version, '33'.repeat(len))).result.type).toBe('ok');
      const wrong = version <= 4 ? 32 : 20;
      expect(initiate(1000, 0, recipientCV(version, '33'.repeat(wrong))).result).toEqual(
        errCode(E.INVALID_ADDR_HASHBYTES),
      );
    }
  });

  it('refuses an unknown address version', () => {
    expect(initiate(1000, 0, recipientCV(7, '33'.repeat(32))).result).toEqual(
      errCode(E.INVALID_ADDR_VERSION),
    );
    const empty = Cl.tuple({
      version: Cl.bufferFromHex(''),
      hashbytes: Cl.bufferFromHex('33'.repeat(20)),
    });
    expect(initiate(1000, 0, empty).result).toEqual(errCode(E.INVALID_ADDR_VERSION));
    expect(
      read(simnet, WITHDRAWAL, 'validate-recipient', [recipientCV(6, '00'.repeat(32))]),
    ).toEqual(Cl.ok(Cl.bool(true)));
  });

  it('refuses dust', () => {
    expect(initiate(546, 1000).result).toEqual(errCode(E.DUST_LIMIT));
    expect(initiate(547, 0).result).toEqual(Cl.ok(Cl.uint(1)));
  });

  it('refuses more than the available balance, leaving balances alone', () => {
    expect(initiate(999_000, 1001).result).toEqual(errCode(TOKEN_ERRORS.INSUFFICIENT_BALANCE));
    expect(balances(simnet, user)).toEqual({ available: 1_000_000n, locked: 0n });
    expect(read(simnet, REGISTRY, 'get-withdrawal-request', [Cl.uint(1)])).toEqual(Cl.none());
  });
});

describe('accept-withdrawal-request', () => {
  it('burns the locked amount, refunds the unused fee and prints withdrawal-accept', () => {
    initiate(10_000, 500);
    const burn = pastBurn();
    const r = accept(1, 120, signers, burn);
    expect(r.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(balances(simnet, user)).toEqual({ available: 1_000_000n - 10_500n + 380n, locked: 0n });
    expect(read(simnet, REGISTRY, 'get-withdrawal-status', [Cl.uint(1)])).toEqual(
      Cl.some(Cl.bool(true)),
    );
    expect(read(simnet, REGISTRY, 'get-completed-withdrawal-sweep-data', [Cl.uint(1)])).toEqual(
      Cl.some(
        Cl.tuple({
          'sweep-txid': Cl.bufferFromHex(TXID),
          'sweep-burn-hash': Cl.bufferFromHex(burn.hash),
          'sweep-burn-height': Cl.uint(burn.height),
        }),
      ),
    );
    const accepted = printEvents(r.events).map((e) => cvToValue(e));
    expect(accepted).toContainEqual(
      expect.objectContaining({ topic: { type: '(string-ascii 17)', value: 'withdrawal-accept' } }),
    );
    expect(read(simnet, 'sbtc-token', 'get-total-supply', [])).toEqual(
      Cl.ok(Cl.uint(1_000_000 - 10_120)),
    );
  });

  it('takes the whole max-fee without a refund', () => {
    initiate(10_000, 500);
    expect(accept(1, 500).result).toEqual(Cl.ok(Cl.bool(true)));
    expect(balances(simnet, user)).toEqual({ available: 1_000_000n - 10_500n, locked: 0n });
  });

  it('refuses anyone but the signer principal', () => {
    initiate(10_000, 500);
    expect(accept(1, 100, user).result).toEqual(errCode(E.INVALID_CALLER));
    expect(accept(1, 100, simnet.deployer).result).toEqual(errCode(E.INVALID_CALLER));
  });

  it('refuses a burn hash that is not the chain one', () => {
    initiate(10_000, 500);
    const burn = pastBurn();
    expect(accept(1, 100, signers, { height: burn.height, hash: 'ff'.repeat(32) }).result).toEqual(
      errCode(E.INVALID_BURN_HASH),
    );
    // a future height has no header yet
    expect(accept(1, 100, signers, { height: burn.height + 100, hash: burn.hash }).result).toEqual(
      errCode(E.INVALID_BURN_HASH),
    );
  });

  it('refuses an unknown request', () => {
    expect(accept(7, 100).result).toEqual(errCode(E.INVALID_REQUEST));
  });

  it('refuses a request already processed', () => {
    initiate(10_000, 500);
    expect(accept(1, 100).result).toEqual(Cl.ok(Cl.bool(true)));
    expect(accept(1, 100).result).toEqual(errCode(E.ALREADY_PROCESSED));
    initiate(10_000, 500);
    expect(reject(2).result).toEqual(Cl.ok(Cl.bool(true)));
    expect(accept(2, 100).result).toEqual(errCode(E.ALREADY_PROCESSED));
  });

  it('refuses a fee above max-fee', () => {
    initiate(10_000, 500);
    expect(accept(1, 501).result).toEqual(errCode(E.FEE_TOO_HIGH));
    expect(balances(simnet, user).locked).toBe(10_500n);
  });
});

describe('reject-withdrawal-request', () => {
  it('unlocks amount + max-fee and prints withdrawal-reject', () => {
    initiate(10_000, 500);
    const r = reject(1);
    expect(r.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(balances(simnet, user)).toEqual({ available: 1_000_000n, locked: 0n });
    expect(read(simnet, REGISTRY, 'get-withdrawal-status', [Cl.uint(1)])).toEqual(
      Cl.some(Cl.bool(false)),
    );
    expect(cvToValue(printEvents(r.events).at(-1)!)).toMatchObject({
      topic: { value: 'withdrawal-reject' },
      'request-id': { value: '1' },
      'signer-bitmap': { value: '3' },
    });
  });

  it('refuses anyone but the signer principal, unknown and processed requests', () => {
    initiate(10_000, 500);
    expect(reject(1, user).result).toEqual(errCode(E.INVALID_CALLER));
    expect(reject(9).result).toEqual(errCode(E.INVALID_REQUEST));
    expect(reject(1).result).toEqual(Cl.ok(Cl.bool(true)));
    expect(reject(1).result).toEqual(errCode(E.ALREADY_PROCESSED));
  });
});

describe('complete-withdrawals', () => {
  it('accepts and rejects a whole sweep in one call', () => {
    initiate(10_000, 500);
    initiate(20_000, 1000);
    initiate(30_000, 300);
    const r = complete([
      { id: 1, accept: true, fee: 200 },
      { id: 2, accept: false },
      { id: 3, accept: true, fee: 300 },
    ]);
    expect(r.result).toEqual(Cl.ok(Cl.uint(3)));
    // 1: burns 10_500, refunds 300; 2: unlocks 21_000; 3: burns 30_300, no refund
    expect(balances(simnet, user)).toEqual({
      available: 1_000_000n - 10_200n - 30_300n,
      locked: 0n,
    });
    const statuses = [1, 2, 3].map((id) =>
      read(simnet, REGISTRY, 'get-withdrawal-status', [Cl.uint(id)]),
    );
    expect(statuses).toEqual([
      Cl.some(Cl.bool(true)),
      Cl.some(Cl.bool(false)),
      Cl.some(Cl.bool(true)),
    ]);
    const topics = printEvents(r.events).map(
      (e) => (cvToValue(e) as { topic: { value: string } }).topic.value,
    );
    expect(topics).toEqual(['withdrawal-accept', 'withdrawal-reject', 'withdrawal-accept']);
  });

  it('is all or nothing: a failing entry names its index and error', () => {
    initiate(10_000, 500);
    initiate(20_000, 1000);
    const r = complete([
      { id: 1, accept: true, fee: 200 },
      { id: 2, accept: true, fee: 1001 },
    ]);
    expect(r.result).toEqual(errCode(507_001_506));
    expect(decodeBatchError(507_001_506)).toEqual({ index: 1, code: E.FEE_TOO_HIGH });
    expect(read(simnet, REGISTRY, 'get-withdrawal-status', [Cl.uint(1)])).toEqual(Cl.none());
    expect(balances(simnet, user).locked).toBe(31_500n);
  });

  it('reports each entry error with its index', () => {
    initiate(10_000, 500);
    expect(
      complete([
        { id: 1, accept: true, fee: 1 },
        { id: 1, accept: false },
      ]).result,
    ).toEqual(errCode(507_001_505));
    expect(
      complete([
        { id: 1, accept: true, fee: 1 },
        { id: 5, accept: false },
      ]).result,
    ).toEqual(errCode(507_001_503));
    for (const missing of ['bitcoin-txid', 'output-index', 'fee', 'sweep-txid'] as const) {
      expect(complete([{ id: 1, accept: true, fee: 1, missing }]).result).toEqual(
        errCode(507_000_509),
      );
    }
    const burn = pastBurn();
    expect(
      complete([{ id: 1, accept: false }], signers, { ...burn, hash: '00'.repeat(32) }).result,
    ).toEqual(errCode(507_000_508));
  });

  it('refuses anyone but the signer principal, and an empty batch', () => {
    initiate(10_000, 500);
    expect(complete([{ id: 1, accept: false }], user).result).toEqual(errCode(E.INVALID_CALLER));
    expect(complete([]).result).toEqual(errCode(E.EMPTY_BATCH));
  });
});
