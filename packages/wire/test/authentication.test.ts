import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { COORDINATOR_KINDS, KINDS, open, seal, type UnsignedEnvelope } from '../src/index.ts';
import { COORDINATOR, keyMap, publicKeyOf, sample, scalarBytes, secretKeyOf } from './samples.ts';

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);

describe('impersonation', () => {
  it('key A claiming party B is refused', () => {
    // Party 3 signs with its own key but claims to be party 2.
    const message = sample('nonce-response');
    const forged = {
      ...message,
      sender: { partyId: 2, publicKey: publicKeyOf(3) },
    } as UnsignedEnvelope;
    const result = open(seal(forged, secretKeyOf(3)), keys);
    expect(result).toEqual({ ok: false, error: { code: 'impersonation', partyId: 2 } });
  });

  it('an unknown party id is refused', () => {
    const outsider = scalarBytes('outsider');
    const message = {
      ...sample('nonce-response'),
      sender: { partyId: 9, publicKey: schnorr.getPublicKey(outsider) },
    } as UnsignedEnvelope;
    const result = open(seal(message, outsider), keys);
    expect(result).toEqual({ ok: false, error: { code: 'unknown-sender', partyId: 9 } });
  });

  it('a lookup function works like a map', () => {
    const message = sample('nonce-response');
    const bytes = seal(message, secretKeyOf(2));
    expect(open(bytes, (id) => keys.get(id)).ok).toBe(true);
    expect(open(bytes, () => undefined).ok).toBe(false);
  });

  it('a signature by another key over a correct claim is refused', () => {
    const message = sample('nonce-response');
    const bytes = seal(message, secretKeyOf(2));
    const text = new TextDecoder().decode(bytes);
    const other = new TextDecoder().decode(
      seal(
        { ...message, payload: sample('nonce-response').payload } as UnsignedEnvelope,
        secretKeyOf(2),
      ),
    );
    // Splice in a valid signature from a different envelope.
    const otherSig = JSON.parse(other).signature as string;
    const spliced = text.replace(
      /"signature":"[0-9a-f]{128}"/,
      `"signature":"${otherSig.replace(/^./, otherSig[0] === '0' ? '1' : '0')}"`,
    );
    expect(open(spliced, keys).ok).toBe(false);
  });
});

describe('coordinator-only kinds', () => {
  for (const kind of KINDS) {
    const message = sample(kind);
    if (COORDINATOR_KINDS.has(kind)) {
      it(`${kind} from a non-coordinator key is refused when the coordinator is named`, () => {
        const fromSigner = {
          ...message,
          sender: { partyId: 4, publicKey: publicKeyOf(4) },
        } as UnsignedEnvelope;
        const bytes = seal(fromSigner, secretKeyOf(4));
        expect(open(bytes, keys, { coordinatorKey })).toEqual({
          ok: false,
          error: { code: 'not-coordinator', kind, partyId: 4 },
        });
        // Without a named coordinator the caller decides later; the envelope itself is valid.
        expect(open(bytes, keys).ok).toBe(true);
        // From the coordinator it passes.
        expect(open(seal(message, secretKeyOf(COORDINATOR)), keys, { coordinatorKey }).ok).toBe(
          true,
        );
      });
    } else {
      it(`${kind} from a signer passes with a named coordinator`, () => {
        const bytes = seal(message, secretKeyOf(message.sender.partyId));
        expect(open(bytes, keys, { coordinatorKey }).ok).toBe(true);
      });
    }
  }

  it('a kind the caller does not expect is refused', () => {
    const bytes = seal(sample('nonce-response'), secretKeyOf(2));
    expect(open(bytes, keys, { kinds: ['signature-share-response'] })).toEqual({
      ok: false,
      error: { code: 'unexpected-kind', kind: 'nonce-response' },
    });
  });
});
