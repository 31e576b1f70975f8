import type { Simnet } from '@stacks/clarinet-sdk';
import { Cl } from '@stacks/transactions';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN_ERRORS as E } from '../src/index.ts';
import {
  accounts,
  balances,
  call,
  errCode,
  freshSimnet,
  mint,
  read,
  silencePrintEcho,
  TOKEN,
} from './helpers.ts';

let simnet: Simnet;
beforeAll(silencePrintEcho);
beforeEach(async () => {
  simnet = await freshSimnet();
});

describe('sbtc-token', () => {
  it('has SIP-010 metadata', () => {
    expect(read(simnet, TOKEN, 'get-name', [])).toEqual(Cl.ok(Cl.stringAscii('sBTC')));
    expect(read(simnet, TOKEN, 'get-symbol', [])).toEqual(Cl.ok(Cl.stringAscii('sBTC')));
    expect(read(simnet, TOKEN, 'get-decimals', [])).toEqual(Cl.ok(Cl.uint(8)));
    expect(read(simnet, TOKEN, 'get-token-uri', [])).toEqual(Cl.ok(Cl.none()));
    expect(read(simnet, TOKEN, 'get-total-supply', [])).toEqual(Cl.ok(Cl.uint(0)));
  });

  it('lets the deployer mint (devnet funding) and holders transfer', () => {
    const { wallet1, wallet2 } = accounts(simnet);
    mint(simnet, 5000n, wallet1);
    const memo = Cl.some(Cl.bufferFromHex('beef'));
    const r = call(
      simnet,
      TOKEN,
      'transfer',
      [Cl.uint(1200), Cl.principal(wallet1), Cl.principal(wallet2), memo],
      wallet1,
    );
    expect(r.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(r.events.some((e) => e.event === 'ft_transfer_event')).toBe(true);
    expect(balances(simnet, wallet1)).toEqual({ available: 3800n, locked: 0n });
    expect(read(simnet, TOKEN, 'get-balance', [Cl.principal(wallet2)])).toEqual(
      Cl.ok(Cl.uint(1200)),
    );
    expect(read(simnet, TOKEN, 'get-total-supply', [])).toEqual(Cl.ok(Cl.uint(5000)));
  });

  it('refuses transfers of somebody else', () => {
    const { wallet1, wallet2 } = accounts(simnet);
    mint(simnet, 5000n, wallet1);
    expect(
      call(
        simnet,
        TOKEN,
        'transfer',
        [Cl.uint(1), Cl.principal(wallet1), Cl.principal(wallet2), Cl.none()],
        wallet2,
      ).result,
    ).toEqual(errCode(E.NOT_OWNER));
  });

  it('passes the native transfer errors through', () => {
    const { wallet1, wallet2 } = accounts(simnet);
    mint(simnet, 10n, wallet1);
    const transfer = (amount: number, to: string) =>
      call(
        simnet,
        TOKEN,
        'transfer',
        [Cl.uint(amount), Cl.principal(wallet1), Cl.principal(to), Cl.none()],
        wallet1,
      ).result;
    expect(transfer(11, wallet2)).toEqual(errCode(E.INSUFFICIENT_BALANCE));
    expect(transfer(1, wallet1)).toEqual(errCode(E.SENDER_IS_RECIPIENT));
    expect(transfer(0, wallet2)).toEqual(errCode(E.NON_POSITIVE_AMOUNT));
  });

  it('keeps the protocol functions to the withdrawal contract (and minting to the deployer)', () => {
    const { deployer, wallet1 } = accounts(simnet);
    mint(simnet, 5000n, wallet1);
    for (const fn of ['protocol-lock', 'protocol-unlock', 'protocol-burn-locked']) {
      for (const sender of [deployer, wallet1]) {
        expect(
          call(simnet, TOKEN, fn, [Cl.uint(10), Cl.principal(wallet1)], sender).result,
        ).toEqual(errCode(E.NOT_AUTHORIZED));
      }
    }
    expect(
      call(simnet, TOKEN, 'protocol-mint', [Cl.uint(10), Cl.principal(wallet1)], wallet1).result,
    ).toEqual(errCode(E.NOT_AUTHORIZED));
    expect(
      call(simnet, TOKEN, 'protocol-mint', [Cl.uint(0), Cl.principal(wallet1)], deployer).result,
    ).toEqual(errCode(E.INVALID_AMOUNT));
  });
});
