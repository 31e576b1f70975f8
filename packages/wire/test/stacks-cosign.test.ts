import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  defineLimits,
  KIND_IDS,
  type OpenResult,
  open,
  STACKS_COSIGN_REFUSALS,
  seal,
  stacksTransactionId,
} from '../src/index.ts';
import { clone, type Json, rawOf, signRaw } from './raw.ts';
import {
  COORDINATOR,
  keyMap,
  publicKeyOf,
  refusedCosignResponse,
  STACKS_COSIGN_SAMPLE,
  sample,
  secretKeyOf,
} from './samples.ts';

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);
type Raw = { [key: string]: Json };
const payloadOf = (raw: Raw) => raw.payload as Raw;
const resultOf = (raw: Raw) => payloadOf(raw).result as Raw;
const code = (r: OpenResult) => (r.ok ? 'ok' : r.error.code);
type Edit = (raw: Raw) => void;
/** Edits that set one member: of the result, of the payload, of the envelope. */
const inResult =
  (key: string, value: Json): Edit =>
  (r) => {
    resultOf(r)[key] = value;
  };
const inPayload =
  (key: string, value: Json): Edit =>
  (r) => {
    payloadOf(r)[key] = value;
  };
const onTop =
  (key: string, value: Json): Edit =>
  (r) => {
    r[key] = value;
  };

/** Edits the raw JSON of `message`, signs it as its sender and opens it. */
function openEdited(
  message: ReturnType<typeof sample>,
  edit: Edit,
  limits = defineLimits(),
): OpenResult {
  const raw = clone(rawOf(message));
  edit(raw);
  return open(signRaw(raw, message.sender.partyId), keys, { coordinatorKey, limits });
}

describe('Stacks co-signing kinds', () => {
  it('carry no session id; only the coordinator proposes', () => {
    expect(KIND_IDS['stacks-cosign-request']).toBe('none');
    expect(KIND_IDS['stacks-cosign-response']).toBe('none');
    const fromSigner = {
      ...sample('stacks-cosign-request'),
      sender: { partyId: 2, publicKey: publicKeyOf(2) },
    };
    const bytes = seal(fromSigner as ReturnType<typeof sample>, secretKeyOf(2));
    expect(code(open(bytes, keys, { coordinatorKey }))).toBe('not-coordinator');
    expect(code(open(bytes, keys))).toBe('ok');
  });

  it('transactionId is the Stacks txid of the unsigned transaction (sha512/256 of its bytes)', () => {
    // The txid @stacks/transactions 7.6.0 gave for the sample when it was built.
    const tx = Uint8Array.from(Buffer.from(STACKS_COSIGN_SAMPLE.transaction, 'hex'));
    expect(bytesToHex(stacksTransactionId(tx))).toBe(
      'e918299027c6f5fd6dfe4a4ce5f347572e115928642929bfee40339c9a9f2091',
    );
  });

  it('the refusal reasons are distinct tags', () => {
    expect(new Set(STACKS_COSIGN_REFUSALS).size).toBe(STACKS_COSIGN_REFUSALS.length);
    for (const reason of STACKS_COSIGN_REFUSALS) expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('a refusal with every reason opens; any other reason, or free text, does not', () => {
    for (const reason of STACKS_COSIGN_REFUSALS) {
      expect(code(openEdited(refusedCosignResponse(), inResult('reason', reason)))).toBe('ok');
    }
    const invalid: Edit[] = [
      inResult('reason', 'because'),
      inResult('detail', 'nonce 5, expected 6'),
      inResult('signature', STACKS_COSIGN_SAMPLE.signature),
      (r) => {
        delete resultOf(r).reason;
      },
      inResult('type', 'signed'),
    ];
    for (const edit of invalid)
      expect(code(openEdited(refusedCosignResponse(), edit))).toBe('invalid');
  });

  it('the transaction is bounded by maxStacksTransactionBytes and never empty', () => {
    const request = sample('stacks-cosign-request');
    const size = STACKS_COSIGN_SAMPLE.transaction.length / 2;
    const exact = defineLimits({ maxStacksTransactionBytes: size });
    const less = defineLimits({ maxStacksTransactionBytes: size - 1 });
    expect(code(openEdited(request, () => {}, exact))).toBe('ok');
    expect(code(openEdited(request, () => {}, less))).toBe('invalid');
    expect(code(openEdited(request, inPayload('transaction', '')))).toBe('invalid');
    expect(
      code(openEdited(request, inPayload('transaction', `${STACKS_COSIGN_SAMPLE.transaction}0`))),
    ).toBe('invalid');
    expect(code(openEdited(request, onTop('dkgId', 1)))).toBe('invalid');
  });

  it('a signature is 65 bytes with recovery id 0..3, from a compressed point on the curve', () => {
    const response = sample('stacks-cosign-response');
    const sig = STACKS_COSIGN_SAMPLE.signature;
    for (const id of ['00', '02', '03']) {
      expect(code(openEdited(response, inResult('signature', id + sig.slice(2))))).toBe('ok');
    }
    const invalid: Edit[] = [
      inResult('signature', `04${sig.slice(2)}`),
      inResult('signature', sig.slice(2)),
      inResult('signature', `${sig}00`),
      inResult('signature', sig.toUpperCase()),
      inResult('publicKey', STACKS_COSIGN_SAMPLE.publicKey.slice(2)),
      inResult('reason', 'wrong-nonce'),
      inPayload('transactionId', 'ab'.repeat(31)),
      onTop('signId', 1),
    ];
    for (const edit of invalid) expect(code(openEdited(response, edit))).toBe('invalid');
    // 02 followed by an x with no point on the curve (x = 5): found after the signature check.
    const offCurve = `02${'0'.repeat(63)}5`;
    expect(code(openEdited(response, inResult('publicKey', offCurve)))).toBe('invalid-point');
  });
});
