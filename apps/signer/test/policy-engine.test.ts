// The signer's policy engine, by table: the policy file's schema (defaults, refusals), then each
// rule at its boundary (exactly at a limit passes, one sat above does not), the rolling 24 h
// window, the breaker's hold, and the precedence reject > wait > review > approve.
import { signerPolicyFile } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../src/policy/breaker.ts';
import {
  type CompiledPolicy,
  compilePolicy,
  DAY_MS,
  evaluatePolicy,
  type Outcome,
  type PolicyContext,
  type RequestFacts,
  RULE_NAMES,
  type RuleName,
} from '../src/policy/engine.ts';

const ADDR_A = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const ADDR_B = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';
const ADDR_P2PKH = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2';
const ALICE = 'SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7';
const MALLORY = 'SM3VDXK3WZZSA84XXFKAFAF15NNZX32CTSG82JFQ4';
const NOW = 1_800_000_000_000;
const TRIPPED: BreakerState = {
  tripped: true,
  at: NOW - 1000,
  rule: 'wallet-outflow',
  reason: '24 h outflow 300 sat of 1000 sat held 24 h ago is above 20%',
};

const compile = (file: object): CompiledPolicy => compilePolicy(signerPolicyFile.parse(file));
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  id: 7n,
  amount: 100_000n,
  maxFee: 2_000n,
  sender: ALICE,
  recipientAddress: ADDR_A,
  confirmations: 6,
  ...over,
});
const context = (over: Partial<PolicyContext> = {}): PolicyContext => ({
  now: NOW,
  approvedVolume: [],
  breaker: { tripped: false },
  ...over,
});

describe('signerPolicyFile: the schema of the policy file', () => {
  it('{"version": 1} fills every default', () => {
    expect(signerPolicyFile.parse({ version: 1 })).toEqual({
      version: 1,
      maxAmountAction: 'reject',
      dailyVolumeAction: 'review',
      recipients: { allow: [], deny: [], unlistedAction: 'review' },
      senders: { deny: [] },
      minConfirmations: 1,
      circuitBreaker: {},
      reviewDeadlineSeconds: 3600,
    });
  });

  it('compiles the defaults to a policy with every limit off', () => {
    expect(compile({ version: 1 })).toEqual({
      maxAmount: null,
      reviewAbove: null,
      dailyVolumeCap: null,
      recipientAllow: new Set(),
      recipientUnlistedAction: 'review',
      recipientDeny: new Set(),
      senderDeny: new Set(),
      minConfirmations: 1,
      breaker: { maxWalletOutflowPercent: null, maxSignerSetChangePercent: null },
      reviewDeadlineMs: 3_600_000,
    });
  });

  it('takes amounts as integers or decimal strings, to the same bigint', () => {
    const a = compile({ version: 1, maxAmountPerRequest: 2_100_000_000_000_000 });
    const b = compile({ version: 1, maxAmountPerRequest: '2100000000000000' });
    expect(a.maxAmount).toEqual({ sats: 2_100_000_000_000_000n, action: 'reject' });
    expect(b).toEqual(a);
  });

  const SATS = 'expected satoshis: a non-negative integer or its decimal string, at most 2^53-1';
  it.each<[string, object, (string | number)[], string]>([
    ['unknown field', { version: 1, maxAmount: 5 }, [], 'unknown field: maxAmount'],
    [
      'unknown nested field',
      { version: 1, recipients: { block: [] } },
      ['recipients'],
      'unknown field: block',
    ],
    ['missing version', {}, ['version'], 'expected version: 1'],
    ['version 2', { version: 2 }, ['version'], 'expected version: 1'],
    ['negative amount', { version: 1, maxAmountPerRequest: -1 }, ['maxAmountPerRequest'], SATS],
    ['amount as a float past 2^53', { version: 1, reviewAbove: 2 ** 53 }, ['reviewAbove'], SATS],
    ['negative amount string', { version: 1, reviewAbove: '-1' }, ['reviewAbove'], SATS],
    ['fractional amount', { version: 1, dailyVolumeCap: 1.5 }, ['dailyVolumeCap'], SATS],
    ['amount with leading zero', { version: 1, reviewAbove: '0100' }, ['reviewAbove'], SATS],
    ['amount past 2^53-1', { version: 1, reviewAbove: '9007199254740992' }, ['reviewAbove'], SATS],
    [
      'percent > 100',
      { version: 1, circuitBreaker: { maxWalletOutflowPercent: 100.5 } },
      ['circuitBreaker', 'maxWalletOutflowPercent'],
      'expected a percent: a number from 0 to 100',
    ],
    [
      'negative percent',
      { version: 1, circuitBreaker: { maxSignerSetChangePercent: -1 } },
      ['circuitBreaker', 'maxSignerSetChangePercent'],
      'expected a percent: a number from 0 to 100',
    ],
    [
      'bad action',
      { version: 1, maxAmountAction: 'approve' },
      ['maxAmountAction'],
      "expected an action: 'reject' or 'review'",
    ],
    [
      'bad unlisted action',
      { version: 1, recipients: { unlistedAction: 'wait' } },
      ['recipients', 'unlistedAction'],
      "expected an action: 'reject' or 'review'",
    ],
    [
      'fractional confirmations',
      { version: 1, minConfirmations: 1.5 },
      ['minConfirmations'],
      'expected blocks: an integer from 0 to 4294967295',
    ],
    [
      'negative review deadline',
      { version: 1, reviewDeadlineSeconds: -1 },
      ['reviewDeadlineSeconds'],
      'expected seconds: an integer from 0 to 4294967295',
    ],
    [
      'not an address',
      { version: 1, recipients: { deny: ['bc1q not-an-address'] } },
      ['recipients', 'deny', 0],
      'expected a Bitcoin address (base58 or bech32)',
    ],
    [
      'not a Stacks principal',
      { version: 1, senders: { deny: [ADDR_A] } },
      ['senders', 'deny', 0],
      'expected a Stacks principal (address, or address.contract)',
    ],
  ])('refuses %s', (_, file, path, message) => {
    const result = signerPolicyFile.safeParse(file);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path, message },
    ]);
  });
});

type Row = [
  name: string,
  policy: object,
  facts: Partial<RequestFacts>,
  context: Partial<PolicyContext>,
  outcome: Outcome,
  rules: [RuleName, Outcome][],
];
const MAX = { version: 1, maxAmountPerRequest: 1_000_000 };
const VOLUME = { version: 1, dailyVolumeCap: '1000000' };
const ALLOW = { version: 1, recipients: { allow: [ADDR_A, ADDR_P2PKH] } };
const past = (age: number, amount: bigint) => [{ at: NOW - age, amount }];

const rows: Row[] = [
  ['defaults approve', { version: 1 }, {}, {}, 'approve', []],
  [
    'defaults approve any amount',
    { version: 1 },
    { amount: 2_100_000_000_000_000n },
    {},
    'approve',
    [],
  ],
  // max-amount
  ['max-amount: at the limit', MAX, { amount: 1_000_000n }, {}, 'approve', []],
  [
    'max-amount: one sat above',
    MAX,
    { amount: 1_000_001n },
    {},
    'reject',
    [['max-amount', 'reject']],
  ],
  [
    'max-amount: action review',
    { ...MAX, maxAmountAction: 'review' },
    { amount: 1_000_001n },
    {},
    'review',
    [['max-amount', 'review']],
  ],
  // review-above
  [
    'review-above: at the threshold',
    { version: 1, reviewAbove: 500 },
    { amount: 500n },
    {},
    'approve',
    [],
  ],
  [
    'review-above: one sat above',
    { version: 1, reviewAbove: 500 },
    { amount: 501n },
    {},
    'review',
    [['review-above', 'review']],
  ],
  [
    'max-amount and review-above both',
    { ...MAX, reviewAbove: 500 },
    { amount: 1_000_001n },
    {},
    'reject',
    [
      ['max-amount', 'reject'],
      ['review-above', 'review'],
    ],
  ],
  // daily-volume
  ['daily-volume: none approved, at the cap', VOLUME, { amount: 1_000_000n }, {}, 'approve', []],
  [
    'daily-volume: none approved, one sat above',
    VOLUME,
    { amount: 1_000_001n },
    {},
    'review',
    [['daily-volume', 'review']],
  ],
  [
    'daily-volume: approved + request at the cap',
    VOLUME,
    { amount: 100_000n },
    { approvedVolume: [...past(1, 400_000n), ...past(DAY_MS - 1, 500_000n)] },
    'approve',
    [],
  ],
  [
    'daily-volume: approved + request one sat above',
    VOLUME,
    { amount: 100_001n },
    { approvedVolume: [...past(1, 400_000n), ...past(DAY_MS - 1, 500_000n)] },
    'review',
    [['daily-volume', 'review']],
  ],
  [
    'daily-volume: action reject',
    { ...VOLUME, dailyVolumeAction: 'reject' },
    { amount: 100_001n },
    { approvedVolume: past(0, 900_000n) },
    'reject',
    [['daily-volume', 'reject']],
  ],
  [
    'daily-volume: an approval exactly 24 h old counts',
    VOLUME,
    { amount: 100_001n },
    { approvedVolume: past(DAY_MS, 900_000n) },
    'review',
    [['daily-volume', 'review']],
  ],
  [
    'daily-volume: an approval 24 h + 1 ms old does not',
    VOLUME,
    { amount: 100_001n },
    { approvedVolume: past(DAY_MS + 1, 900_000n) },
    'approve',
    [],
  ],
  [
    'daily-volume: an approval dated after now counts',
    VOLUME,
    { amount: 100_001n },
    { approvedVolume: past(-5000, 900_000n) },
    'review',
    [['daily-volume', 'review']],
  ],
  // recipients
  [
    'recipient-deny',
    { version: 1, recipients: { deny: [ADDR_A] } },
    {},
    {},
    'reject',
    [['recipient-deny', 'reject']],
  ],
  [
    'recipient-deny: bech32 in capitals matches',
    { version: 1, recipients: { deny: [ADDR_A.toUpperCase()] } },
    {},
    {},
    'reject',
    [['recipient-deny', 'reject']],
  ],
  [
    'recipient-deny: base58 is case-sensitive',
    { version: 1, recipients: { deny: [ADDR_P2PKH.toLowerCase()] } },
    { recipientAddress: ADDR_P2PKH },
    {},
    'approve',
    [],
  ],
  [
    'recipient-deny: another address',
    { version: 1, recipients: { deny: [ADDR_B] } },
    {},
    {},
    'approve',
    [],
  ],
  ['recipient-allow: listed', ALLOW, {}, {}, 'approve', []],
  ['recipient-allow: listed base58', ALLOW, { recipientAddress: ADDR_P2PKH }, {}, 'approve', []],
  [
    'recipient-allow: unlisted',
    ALLOW,
    { recipientAddress: ADDR_B },
    {},
    'review',
    [['recipient-allow', 'review']],
  ],
  [
    'recipient-allow: unlisted, action reject',
    { version: 1, recipients: { allow: [ADDR_A], unlistedAction: 'reject' } },
    { recipientAddress: ADDR_B },
    {},
    'reject',
    [['recipient-allow', 'reject']],
  ],
  [
    'recipient-allow and recipient-deny: deny wins',
    { version: 1, recipients: { allow: [ADDR_A], deny: [ADDR_A] } },
    {},
    {},
    'reject',
    [['recipient-deny', 'reject']],
  ],
  // senders
  [
    'sender-deny',
    { version: 1, senders: { deny: [MALLORY] } },
    { sender: MALLORY },
    {},
    'reject',
    [['sender-deny', 'reject']],
  ],
  [
    'sender-deny: another sender',
    { version: 1, senders: { deny: [MALLORY] } },
    {},
    {},
    'approve',
    [],
  ],
  // min-confirmations
  [
    'min-confirmations: default 1, none yet',
    { version: 1 },
    { confirmations: 0 },
    {},
    'wait',
    [['min-confirmations', 'wait']],
  ],
  ['min-confirmations: default 1, one', { version: 1 }, { confirmations: 1 }, {}, 'approve', []],
  [
    'min-confirmations: 0 needs none',
    { version: 1, minConfirmations: 0 },
    { confirmations: 0 },
    {},
    'approve',
    [],
  ],
  [
    'min-confirmations: one short of 6',
    { version: 1, minConfirmations: 6 },
    { confirmations: 5 },
    {},
    'wait',
    [['min-confirmations', 'wait']],
  ],
  // circuit-breaker
  [
    'circuit-breaker: tripped',
    { version: 1 },
    {},
    { breaker: TRIPPED },
    'review',
    [['circuit-breaker', 'review']],
  ],
  [
    'circuit-breaker: tripped and a denied sender',
    { version: 1, senders: { deny: [MALLORY] } },
    { sender: MALLORY },
    { breaker: TRIPPED },
    'reject',
    [
      ['sender-deny', 'reject'],
      ['circuit-breaker', 'review'],
    ],
  ],
  [
    'circuit-breaker: tripped and not confirmed yet',
    { version: 1 },
    { confirmations: 0 },
    { breaker: TRIPPED },
    'wait',
    [
      ['min-confirmations', 'wait'],
      ['circuit-breaker', 'review'],
    ],
  ],
  // precedence
  [
    'wait beats review',
    { version: 1, reviewAbove: 0 },
    { confirmations: 0 },
    {},
    'wait',
    [
      ['review-above', 'review'],
      ['min-confirmations', 'wait'],
    ],
  ],
  [
    'reject beats wait',
    { version: 1, recipients: { deny: [ADDR_A] } },
    { confirmations: 0 },
    {},
    'reject',
    [
      ['recipient-deny', 'reject'],
      ['min-confirmations', 'wait'],
    ],
  ],
  [
    'every rule at once, listed in RULE_NAMES order',
    {
      version: 1,
      maxAmountPerRequest: 10,
      reviewAbove: 5,
      dailyVolumeCap: 10,
      recipients: { allow: [ADDR_B], deny: [ADDR_A] },
      senders: { deny: [ALICE] },
      minConfirmations: 3,
    },
    { amount: 11n, confirmations: 2 },
    { breaker: TRIPPED },
    'reject',
    [
      ['max-amount', 'reject'],
      ['review-above', 'review'],
      ['daily-volume', 'review'],
      ['recipient-deny', 'reject'],
      ['recipient-allow', 'review'],
      ['sender-deny', 'reject'],
      ['min-confirmations', 'wait'],
      ['circuit-breaker', 'review'],
    ],
  ],
];

describe('evaluatePolicy', () => {
  it.each(rows)('%s', (_, policy, f, c, outcome, rules) => {
    const result = evaluatePolicy(compile(policy), facts(f), context(c));
    expect(result.rules.map((r) => [r.rule, r.outcome])).toEqual(rules);
    expect(result.outcome).toBe(outcome);
  });

  it('the table exercises every rule and every outcome', () => {
    expect(new Set(rows.flatMap((r) => r[5].map(([rule]) => rule)))).toEqual(new Set(RULE_NAMES));
    expect(new Set(rows.map((r) => r[4]))).toEqual(
      new Set(['approve', 'reject', 'review', 'wait']),
    );
  });

  it('details give the numbers and the addresses', () => {
    const policy = compile({
      version: 1,
      maxAmountPerRequest: 10,
      reviewAbove: 5,
      dailyVolumeCap: 20,
      recipients: { allow: [ADDR_B], deny: [ADDR_A.toUpperCase()] },
      senders: { deny: [ALICE] },
      minConfirmations: 3,
    });
    const result = evaluatePolicy(
      policy,
      facts({ amount: 11n, confirmations: 2 }),
      context({ approvedVolume: past(60_000, 10n), breaker: TRIPPED }),
    );
    expect(result.rules.map((r) => r.detail)).toEqual([
      'amount 11 sat is above the per-request maximum of 10 sat',
      'amount 11 sat is above the review threshold of 5 sat',
      '10 sat approved in the last 24 h plus 11 sat is above the cap of 20 sat',
      `recipient ${ADDR_A} is on the deny list`,
      `recipient ${ADDR_A} is not on the allow list`,
      `sender ${ALICE} is on the deny list`,
      '2 confirmations, the policy needs 3',
      'circuit breaker tripped (wallet-outflow): 24 h outflow 300 sat of 1000 sat held 24 h ago is above 20%',
    ]);
  });

  it.each<[string, Partial<RequestFacts>, Partial<PolicyContext>, string]>([
    ['a negative amount', { amount: -1n }, {}, '"amount" expected >= 0, got -1'],
    [
      'NaN confirmations',
      { confirmations: Number.NaN },
      {},
      '"confirmations" expected an integer >= 0, got NaN',
    ],
    [
      'negative confirmations',
      { confirmations: -1 },
      {},
      '"confirmations" expected an integer >= 0, got -1',
    ],
    ['a NaN clock', {}, { now: Number.NaN }, '"now" expected a finite number, got NaN'],
  ])('throws on %s', (_, f, c, message) => {
    expect(() => evaluatePolicy(compile({ version: 1 }), facts(f), context(c))).toThrow(
      new RangeError(message),
    );
  });
});
