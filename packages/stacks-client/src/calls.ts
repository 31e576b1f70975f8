import { Cl, type ClarityValue } from '@stacks/transactions';
import { reverseHex } from './clarity.ts';
import type { WithdrawalRecipient } from './types.ts';

/** Which of the three contracts a call goes to; the client maps it to the configured name. */
export type ContractRole = 'registry' | 'withdrawal' | 'token';

/** A contract call without its transaction envelope (sender, nonce, fee). */
export type ContractCallSpec = {
  contract: ContractRole;
  functionName: string;
  functionArgs: ClarityValue[];
};

const HEX = /^[0-9a-f]*$/;

function hexArg(value: string, bytes: number | readonly number[], field: string): ClarityValue {
  const hex = value.replace(/^0x/, '').toLowerCase();
  const allowed = typeof bytes === 'number' ? [bytes] : bytes;
  if (!HEX.test(hex) || hex.length % 2 !== 0 || !allowed.includes(hex.length / 2)) {
    throw new TypeError(
      `"${field}" expected ${allowed.join(' or ')} bytes of hex, got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return Cl.bufferFromHex(hex);
}

function pubkeyArg(value: string, field: string): ClarityValue {
  const cv = hexArg(value, 33, field);
  const prefix = value.replace(/^0x/, '').slice(0, 2);
  if (prefix !== '02' && prefix !== '03')
    throw new TypeError(`"${field}" expected a compressed public key, got prefix ${prefix}`);
  return cv;
}

function uintArg(value: bigint | number, field: string): ClarityValue {
  const n = BigInt(value);
  if (n < 0n || n >= 1n << 128n) throw new RangeError(`"${field}" expected a uint128, got ${n}`);
  return Cl.uint(n);
}

function recipientArg(r: WithdrawalRecipient): ClarityValue {
  if (!Number.isInteger(r.version) || r.version < 0 || r.version > 255) {
    throw new RangeError(`"recipient.version" expected a byte, got ${r.version}`);
  }
  return Cl.tuple({
    version: Cl.bufferFromHex(r.version.toString(16).padStart(2, '0')),
    hashbytes: hexArg(r.hashbytes, [20, 32], 'recipient.hashbytes'),
  });
}

/** `sbtc-registry.rotate-keys(new-keys, new-aggregate-pubkey, new-signature-threshold)`. */
export function rotateKeysCall(p: {
  keys: readonly string[];
  aggregatePubkey: string;
  threshold: number;
}): ContractCallSpec {
  if (p.keys.length === 0 || p.keys.length > 15)
    throw new RangeError(`"keys" expected 1..15 keys, got ${p.keys.length}`);
  return {
    contract: 'registry',
    functionName: 'rotate-keys',
    functionArgs: [
      Cl.list(p.keys.map((k, i) => pubkeyArg(k, `keys[${i}]`))),
      pubkeyArg(p.aggregatePubkey, 'aggregatePubkey'),
      uintArg(p.threshold, 'threshold'),
    ],
  };
}

/** `sbtc-registry.register-signer-key(public-key)`, sent from the signer's own account. */
export function registerSignerKeyCall(publicKey: string): ContractCallSpec {
  return {
    contract: 'registry',
    functionName: 'register-signer-key',
    functionArgs: [pubkeyArg(publicKey, 'publicKey')],
  };
}

/** `sbtc-registry.set-signer-weight(signer, weight)` (admin only). */
export function setSignerWeightCall(signer: string, weight: bigint | number): ContractCallSpec {
  return {
    contract: 'registry',
    functionName: 'set-signer-weight',
    functionArgs: [Cl.principal(signer), uintArg(weight, 'weight')],
  };
}

/** `sbtc-withdrawal.initiate-withdrawal-request(amount, recipient, max-fee)`. */
export function initiateWithdrawalCall(p: {
  amount: bigint;
  recipient: WithdrawalRecipient;
  maxFee: bigint;
}): ContractCallSpec {
  return {
    contract: 'withdrawal',
    functionName: 'initiate-withdrawal-request',
    functionArgs: [
      uintArg(p.amount, 'amount'),
      recipientArg(p.recipient),
      uintArg(p.maxFee, 'maxFee'),
    ],
  };
}

/** Where and when a sweep confirmed: the burn block as the Stacks chain knows it. */
export type SweepBurnBlock = { burnHash: string; burnHeight: bigint | number };

/**
 * A Bitcoin txid as the contracts store it: `sweepTxid` is given as Bitcoin RPC displays it, the
 * contract gets the hash's own byte order (reversed), as the production sBTC signer passes
 * `Txid::to_byte_array()`; `decodeWithdrawalSweep` turns it back.
 */
function txidArg(displayHex: string, field: string): ClarityValue {
  const hex = displayHex.replace(/^0x/, '').toLowerCase();
  hexArg(hex, 32, field); // validates
  return Cl.bufferFromHex(reverseHex(hex));
}

/** `sbtc-withdrawal.accept-withdrawal-request(...)`; the sweep txid is passed as both txids. */
export function acceptWithdrawalCall(
  p: {
    requestId: bigint;
    sweepTxid: string;
    outputIndex: number;
    fee: bigint;
    signerBitmap: bigint;
  } & SweepBurnBlock,
): ContractCallSpec {
  const txid = txidArg(p.sweepTxid, 'sweepTxid');
  return {
    contract: 'withdrawal',
    functionName: 'accept-withdrawal-request',
    functionArgs: [
      uintArg(p.requestId, 'requestId'),
      txid,
      uintArg(p.signerBitmap, 'signerBitmap'),
      uintArg(p.outputIndex, 'outputIndex'),
      uintArg(p.fee, 'fee'),
      hexArg(p.burnHash, 32, 'burnHash'),
      uintArg(p.burnHeight, 'burnHeight'),
      txid,
    ],
  };
}

/** `sbtc-withdrawal.reject-withdrawal-request(request-id, signer-bitmap)`. */
export function rejectWithdrawalCall(p: {
  requestId: bigint;
  signerBitmap: bigint;
}): ContractCallSpec {
  return {
    contract: 'withdrawal',
    functionName: 'reject-withdrawal-request',
    functionArgs: [uintArg(p.requestId, 'requestId'), uintArg(p.signerBitmap, 'signerBitmap')],
  };
}

/** One entry of a sweep's `complete-withdrawals` batch. */
export type WithdrawalOutcome =
  | { requestId: bigint; accepted: true; outputIndex: number; fee: bigint; signerBitmap: bigint }
  | { requestId: bigint; accepted: false; signerBitmap: bigint };

/** `sbtc-withdrawal.complete-withdrawals(list)`: every outcome of one sweep, all or nothing. */
export function completeWithdrawalsCall(
  p: { sweepTxid: string; outcomes: readonly WithdrawalOutcome[] } & SweepBurnBlock,
): ContractCallSpec {
  if (p.outcomes.length === 0 || p.outcomes.length > 600) {
    throw new RangeError(`"outcomes" expected 1..600 entries, got ${p.outcomes.length}`);
  }
  const txid = txidArg(p.sweepTxid, 'sweepTxid');
  const burnHash = hexArg(p.burnHash, 32, 'burnHash');
  const burnHeight = uintArg(p.burnHeight, 'burnHeight');
  const entries = p.outcomes.map((o, i) =>
    Cl.tuple({
      'request-id': uintArg(o.requestId, `outcomes[${i}].requestId`),
      status: Cl.bool(o.accepted),
      'signer-bitmap': uintArg(o.signerBitmap, `outcomes[${i}].signerBitmap`),
      'bitcoin-txid': o.accepted ? Cl.some(txid) : Cl.none(),
      'output-index': o.accepted
        ? Cl.some(uintArg(o.outputIndex, `outcomes[${i}].outputIndex`))
        : Cl.none(),
      fee: o.accepted ? Cl.some(uintArg(o.fee, `outcomes[${i}].fee`)) : Cl.none(),
      'burn-hash': burnHash,
      'burn-height': burnHeight,
      'sweep-txid': o.accepted ? Cl.some(txid) : Cl.none(),
    }),
  );
  return {
    contract: 'withdrawal',
    functionName: 'complete-withdrawals',
    functionArgs: [Cl.list(entries)],
  };
}
