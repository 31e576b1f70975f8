import { readFileSync } from 'node:fs';
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { contentDigest, envelopeDigest, keyAnnouncementDigest } from './digest.ts';

// The signing hash as docs/protocol/wire.md section 3 defines it, computed independently of
// digest.ts (plain SHA-256 of the BIP340 tagged-hash construction), on the golden dkg-begin.

function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const t = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(t, t, ...parts));
}

const golden = readFileSync(
  new URL('../test/fixtures/golden/dkg-begin.json', import.meta.url),
  'utf8',
);

describe('envelope digest', () => {
  it('is the tagged hash of the envelope text without its signature member', () => {
    const signature = (JSON.parse(golden) as { signature: string }).signature;
    const unsigned = golden.replace(`,"signature":"${signature}"`, '');
    const expected = taggedHash('peg/wire/envelope', utf8ToBytes(unsigned));
    expect(bytesToHex(envelopeDigest(unsigned))).toBe(bytesToHex(expected));
    // The worked example in docs/protocol/wire.md.
    expect(bytesToHex(expected)).toBe(
      '665592950bbcba4a00814e81e53bad7379e31940e47d236db96bfeb74e3f44dc',
    );
    const publicKey = (JSON.parse(golden) as { sender: { publicKey: string } }).sender.publicKey;
    expect(schnorr.verify(hexToBytes(signature), expected, hexToBytes(publicKey))).toBe(true);
  });

  it('key announcement: tag ‖ u32be(partyId) ‖ u32be(sequence) ‖ key', () => {
    const key = new Uint8Array(32).fill(9);
    const expected = taggedHash(
      'peg/wire/key-announcement',
      hexToBytes('00000102'),
      hexToBytes('00000003'),
      key,
    );
    expect(keyAnnouncementDigest(258, 3, key)).toEqual(expected);
  });
});

describe('content digest (the DKG echo)', () => {
  const env = JSON.parse(golden) as Parameters<typeof contentDigest>[0] & {
    chainTip: { height: number; hash: string };
    signature: string;
  };
  it('is the tagged hash of {kind, ids, sender id, payload} in canonical JSON', () => {
    const text = JSON.stringify({
      dkgId: env.dkgId,
      kind: env.kind,
      payload: env.payload,
      sender: env.sender.partyId,
    });
    // The golden payload's members are already in canonical order at every level.
    expect(bytesToHex(contentDigest(env))).toBe(
      bytesToHex(taggedHash('peg/wire/content', utf8ToBytes(text))),
    );
  });
  it('ignores the chain tip and signature, not the sender, ids or payload', () => {
    const base = bytesToHex(contentDigest(env));
    const resealed = {
      ...env,
      chainTip: { height: 9, hash: '00'.repeat(32) },
      signature: '11'.repeat(64),
    };
    expect(bytesToHex(contentDigest(resealed))).toBe(base);
    expect(
      bytesToHex(contentDigest({ ...env, sender: { partyId: env.sender.partyId + 1 } })),
    ).not.toBe(base);
    expect(bytesToHex(contentDigest({ ...env, dkgId: (env.dkgId ?? 1) + 1 }))).not.toBe(base);
    expect(
      bytesToHex(contentDigest({ ...env, payload: { ...(env.payload as object), x: 1 } })),
    ).not.toBe(base);
  });
});
