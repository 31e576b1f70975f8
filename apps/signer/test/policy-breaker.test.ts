// The policy's circuit breaker, by table: each limit at its boundary (exactly at the percent
// does not trip, above does), limits that are off, the latch (tripped stays tripped until the
// operator resets it), and refused inputs.
import { signerPolicyFile } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import {
  type BreakerInput,
  type BreakerState,
  checkBreaker,
  resetBreaker,
} from '../src/policy/breaker.ts';
import { compilePolicy, evaluatePolicy } from '../src/policy/engine.ts';

const NOW = 1_800_000_000_000;
const CLOSED: BreakerState = { tripped: false };
const policyOf = (circuitBreaker: object) =>
  compilePolicy(signerPolicyFile.parse({ version: 1, circuitBreaker }));
const input = (over: Partial<BreakerInput> = {}): BreakerInput => ({
  now: NOW,
  walletBalance: 800n,
  outflow24h: 200n,
  signerSetChangePercent: 0,
  ...over,
});

const OUTFLOW_20 = { maxWalletOutflowPercent: 20 };
const CHANGE_34 = { maxSignerSetChangePercent: 34 };

describe('checkBreaker', () => {
  it.each<[string, object, Partial<BreakerInput>, BreakerState]>([
    ['no limits: never trips', {}, { outflow24h: 10n ** 9n, signerSetChangePercent: 100 }, CLOSED],
    ['outflow exactly 20% of the wallet 24 h ago', OUTFLOW_20, {}, CLOSED],
    [
      'outflow one sat above 20%',
      OUTFLOW_20,
      { walletBalance: 799n, outflow24h: 201n },
      {
        tripped: true,
        at: NOW,
        rule: 'wallet-outflow',
        reason: '24 h outflow 201 sat of 1000 sat held 24 h ago is above 20%',
      },
    ],
    [
      '12.5%: exactly at it',
      { maxWalletOutflowPercent: 12.5 },
      { walletBalance: 875n, outflow24h: 125n },
      CLOSED,
    ],
    [
      '12.5%: one sat above',
      { maxWalletOutflowPercent: 12.5 },
      { walletBalance: 874n, outflow24h: 126n },
      {
        tripped: true,
        at: NOW,
        rule: 'wallet-outflow',
        reason: '24 h outflow 126 sat of 1000 sat held 24 h ago is above 12.5%',
      },
    ],
    ['0%: no outflow', { maxWalletOutflowPercent: 0 }, { outflow24h: 0n }, CLOSED],
    [
      '0%: one sat out',
      { maxWalletOutflowPercent: 0 },
      { outflow24h: 1n },
      {
        tripped: true,
        at: NOW,
        rule: 'wallet-outflow',
        reason: '24 h outflow 1 sat of 801 sat held 24 h ago is above 0%',
      },
    ],
    [
      '100%: everything out',
      { maxWalletOutflowPercent: 100 },
      { walletBalance: 0n, outflow24h: 5n },
      CLOSED,
    ],
    ['an empty wallet with no outflow', OUTFLOW_20, { walletBalance: 0n, outflow24h: 0n }, CLOSED],
    [
      'exact past 2^53: 10% of 10^18 sat',
      { maxWalletOutflowPercent: 10 },
      { walletBalance: 9n * 10n ** 17n, outflow24h: 10n ** 17n },
      CLOSED,
    ],
    [
      'exact past 2^53: one sat above 10% of 10^18 sat',
      { maxWalletOutflowPercent: 10 },
      { walletBalance: 9n * 10n ** 17n - 1n, outflow24h: 10n ** 17n + 1n },
      {
        tripped: true,
        at: NOW,
        rule: 'wallet-outflow',
        reason:
          '24 h outflow 100000000000000001 sat of 1000000000000000000 sat held 24 h ago is above 10%',
      },
    ],
    ['signer set changed exactly 34%', CHANGE_34, { signerSetChangePercent: 34 }, CLOSED],
    [
      'signer set changed above 34%',
      CHANGE_34,
      { signerSetChangePercent: 34.01 },
      {
        tripped: true,
        at: NOW,
        rule: 'signer-set-change',
        reason: 'signer set changed by 34.01%, above 34%',
      },
    ],
    [
      'both limits breached: the wallet outflow is named',
      { ...OUTFLOW_20, ...CHANGE_34 },
      { walletBalance: 0n, signerSetChangePercent: 50 },
      {
        tripped: true,
        at: NOW,
        rule: 'wallet-outflow',
        reason: '24 h outflow 200 sat of 200 sat held 24 h ago is above 20%',
      },
    ],
  ])('%s', (_, limits, over, expected) => {
    expect(checkBreaker(policyOf(limits), CLOSED, input(over))).toEqual(expected);
  });

  it('stays tripped, as it tripped, until the operator resets it', () => {
    const policy = policyOf({ ...OUTFLOW_20, ...CHANGE_34 });
    const tripped = checkBreaker(policy, CLOSED, input({ outflow24h: 1000n }));
    expect(tripped).toMatchObject({ tripped: true, at: NOW, rule: 'wallet-outflow' });
    // Calm numbers later, or another breach: the first trip stands.
    const calm = input({ now: NOW + 3_600_000, outflow24h: 0n });
    expect(checkBreaker(policy, tripped, calm)).toBe(tripped);
    const other = input({ now: NOW + 7_200_000, signerSetChangePercent: 90 });
    expect(checkBreaker(policy, tripped, other)).toBe(tripped);
    const reset = resetBreaker();
    expect(reset).toEqual({ tripped: false });
    expect(checkBreaker(policy, reset, calm)).toEqual({ tripped: false });
  });

  it('while tripped evaluatePolicy approves nothing; after a reset it approves again', () => {
    const policy = policyOf(OUTFLOW_20);
    const breaker = checkBreaker(policy, CLOSED, input({ outflow24h: 1000n }));
    const request = {
      id: 1n,
      amount: 1n,
      maxFee: 1n,
      sender: 'SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7',
      recipientAddress: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      confirmations: 10,
    };
    const held = evaluatePolicy(policy, request, { now: NOW, approvedVolume: [], breaker });
    expect(held.outcome).toBe('review');
    expect(held.rules.map((r) => r.rule)).toEqual(['circuit-breaker']);
    const after = { now: NOW, approvedVolume: [], breaker: resetBreaker() };
    expect(evaluatePolicy(policy, request, after)).toEqual({ outcome: 'approve', rules: [] });
  });

  it.each<[string, Partial<BreakerInput>, string]>([
    [
      'NaN signer set change',
      { signerSetChangePercent: Number.NaN },
      '"signerSetChangePercent" expected a number in [0, 100], got NaN',
    ],
    [
      'signer set change above 100',
      { signerSetChangePercent: 101 },
      '"signerSetChangePercent" expected a number in [0, 100], got 101',
    ],
    ['a negative balance', { walletBalance: -1n }, '"walletBalance" expected >= 0, got -1'],
    ['a negative outflow', { outflow24h: -1n }, '"outflow24h" expected >= 0, got -1'],
    ['a NaN clock', { now: Number.NaN }, '"now" expected a finite number, got NaN'],
  ])('throws on %s', (_, over, message) => {
    expect(() => checkBreaker(policyOf(OUTFLOW_20), CLOSED, input(over))).toThrow(
      new RangeError(message),
    );
  });
});
