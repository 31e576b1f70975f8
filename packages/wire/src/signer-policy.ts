import { z } from 'zod';

// The operator's policy file: what this signer approves, rejects, holds for review or defers,
// per withdrawal request (docs/operations.md, "Policy file"). Every field but `version` has a
// default, so `{"version": 1}` approves whatever passes the built-in checks. The file is
// written by hand: amounts may be JSON integers or their decimal strings (some tools quote
// large numbers); both decode to one number, and 21M BTC in sats is a safe integer.

/** A strict object whose unknown keys are named (a typo in a policy must not pass silently). */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field: ${issue.keys.join(', ')}` : undefined,
  });
}

/** A non-negative integer of at most `max`, with one message naming what it counts. */
function count(what: string, max: number) {
  const message = `expected ${what}: an integer from 0 to ${max}`;
  return z.int({ error: message }).min(0, message).max(max, message);
}

const SATS_MESSAGE =
  'expected satoshis: a non-negative integer or its decimal string, at most 2^53-1';
// One check, so that a refused amount gets one message.
const satsNumber = z
  .number({ error: SATS_MESSAGE })
  .refine((n) => Number.isSafeInteger(n) && n >= 0, SATS_MESSAGE);

/** Satoshis as a JSON integer or a decimal string without sign, leading zeros or exponent. */
const sats = z.union(
  [
    satsNumber,
    z
      .string()
      .regex(/^(?:0|[1-9][0-9]{0,15})$/, { abort: true })
      .refine((digits) => Number.isSafeInteger(Number(digits)))
      .transform(Number),
  ],
  { error: SATS_MESSAGE },
);

/** What a rule with a choice does when it does not approve. */
const action = z.enum(['reject', 'review'], { error: "expected an action: 'reject' or 'review'" });

const percent = z
  .number({ error: 'expected a percent: a number from 0 to 100' })
  .min(0, 'expected a percent: a number from 0 to 100')
  .max(100, 'expected a percent: a number from 0 to 100');

// Shapes only: the engine compares addresses, and a file naming an address it will never see
// costs nothing. bech32 may be written in either case; base58 is case-sensitive.
const bitcoinAddress = z
  .string()
  .regex(/^[A-Za-z0-9]{14,90}$/, 'expected a Bitcoin address (base58 or bech32)');

const stacksPrincipal = z
  .string()
  .regex(
    /^S[A-Z0-9]{38,40}(?:\.[a-zA-Z][a-zA-Z0-9-]{0,39})?$/,
    'expected a Stacks principal (address, or address.contract)',
  );

const MAX_LIST = 10_000;

const recipients = strict({
  allow: z
    .array(bitcoinAddress)
    .max(MAX_LIST)
    .default([])
    .describe('If not empty, only these recipients pass; others get `unlistedAction`.'),
  deny: z.array(bitcoinAddress).max(MAX_LIST).default([]).describe('Always rejected.'),
  unlistedAction: action
    .default('review')
    .describe('What a recipient missing from a non-empty `allow` gets.'),
}).describe('Bitcoin recipients of withdrawals.');

const senders = strict({
  deny: z.array(stacksPrincipal).max(MAX_LIST).default([]).describe('Always rejected.'),
}).describe('Stacks principals that request withdrawals.');

const circuitBreaker = strict({
  maxWalletOutflowPercent: percent
    .optional()
    .describe('Trip when the last 24 h outflow exceeds this percent of the wallet 24 h ago.'),
  maxSignerSetChangePercent: percent
    .optional()
    .describe('Trip when the signer set changed by more than this percent.'),
}).describe('Stops all automatic approval until the operator resets it.');

/** The policy file, version 1; parsing fills every default. */
export const signerPolicyFile = strict({
  version: z.literal(1, { error: 'expected version: 1' }),
  maxAmountPerRequest: sats.optional().describe('Largest amount (sats) of one request.'),
  maxAmountAction: action.default('reject').describe('What a request above the maximum gets.'),
  reviewAbove: sats.optional().describe('Requests above this amount (sats) wait for review.'),
  dailyVolumeCap: sats
    .optional()
    .describe('Most sats this signer approves in any rolling 24 h, this request included.'),
  dailyVolumeAction: action.default('review').describe('What a request over the cap gets.'),
  recipients: recipients.prefault({}),
  senders: senders.prefault({}),
  minConfirmations: count('blocks', 0xffff_ffff)
    .default(1)
    .describe('Blocks since the request before it is decided; fewer: wait.'),
  circuitBreaker: circuitBreaker.prefault({}),
  reviewDeadlineSeconds: count('seconds', 0xffff_ffff)
    .default(3600)
    .describe('How long a review waits for the operator before it counts as a reject.'),
});
export type SignerPolicyFile = z.infer<typeof signerPolicyFile>;
