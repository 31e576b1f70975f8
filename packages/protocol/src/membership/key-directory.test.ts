import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { announceKey, seal } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import { assertConfig } from '../federation.ts';
import { DEFAULT_TIMEOUTS } from '../timeouts.ts';
import { KeyDirectory } from './key-directory.ts';
import type { RegistryCandidate } from './parties.ts';

// Each test operator i has a Stacks key (registered on chain) and messaging keys per rotation.
const secret = (tag: number, i: number): Uint8Array => {
  const sk = new Uint8Array(32);
  sk[0] = tag;
  sk[31] = i;
  return sk;
};
const stacksKey = (i: number) => secret(0x21, i);
const messagingSecret = (i: number, rotation = 0) => secret(0x40 + rotation, i);
const registered = (i: number) => bytesToHex(secp256k1.getPublicKey(stacksKey(i), true));
const candidate = (i: number, weight = 1n, key = registered(i)): RegistryCandidate => ({
  signer: `S${i}`,
  weight,
  publicKey: key,
});
const xOnlyHex = (sk: Uint8Array) => bytesToHex(schnorr.getPublicKey(sk));

/** A key-announcement of party `party` sealed with `sealKey` (the registered Stacks key). */
function announcement(
  party: number,
  sequence: number,
  messaging: Uint8Array,
  sealKey: Uint8Array,
): Uint8Array {
  return seal(
    {
      kind: 'key-announcement',
      sender: { partyId: party, publicKey: schnorr.getPublicKey(sealKey) },
      chainTip: { height: 1, hash: new Uint8Array(32) },
      payload: announceKey(party, sequence, messaging),
    },
    sealKey,
  );
}

describe('KeyDirectory', () => {
  it('accepts an announcement sealed with the registered key; higher sequences only', () => {
    const dir = new KeyDirectory([candidate(1), candidate(2, 2n)]);
    expect(dir.messagingKey(1)).toBeUndefined();
    const a1 = announcement(1, 100, messagingSecret(1), stacksKey(1));
    // Checking accepts nothing.
    expect(dir.checkAnnouncement(a1)).toMatchObject({ ok: true, announcement: { party: 1 } });
    expect(dir.messagingKey(1)).toBeUndefined();
    const r = dir.applyAnnouncement(a1);
    expect(r).toMatchObject({ ok: true, announcement: { party: 1, sequence: 100 } });
    expect(dir.messagingKey(1)).toBe(xOnlyHex(messagingSecret(1)));
    expect(dir.announcement(1)?.envelope).toEqual(a1);

    // The same again, and a lower sequence: stale.
    expect(dir.applyAnnouncement(a1)).toEqual({
      ok: false,
      reason: 'stale',
      party: 1,
      sequence: 100,
      current: 100,
    });
    expect(
      dir.applyAnnouncement(announcement(1, 99, messagingSecret(1, 1), stacksKey(1))),
    ).toMatchObject({ ok: false, reason: 'stale' });
    // A rotation: a higher sequence replaces the key.
    const a2 = announcement(1, 101, messagingSecret(1, 1), stacksKey(1));
    expect(dir.applyAnnouncement(a2).ok).toBe(true);
    expect(dir.messagingKey(1)).toBe(xOnlyHex(messagingSecret(1, 1)));
    expect(dir.announcements().map((a) => [a.party, a.sequence])).toEqual([[1, 101]]);
  });

  it('refuses announcements not sealed with the party registered key, or from no party', () => {
    const dir = new KeyDirectory([candidate(1), candidate(2)]);
    // Sealed by the messaging key itself (impersonation of party 1's registered key).
    expect(
      dir.applyAnnouncement(announcement(1, 5, messagingSecret(1), messagingSecret(1))),
    ).toEqual({ ok: false, reason: 'invalid', detail: 'impersonation' });
    // Party 2's registered key claiming to be party 1.
    expect(dir.applyAnnouncement(announcement(1, 5, messagingSecret(1), stacksKey(2)))).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'impersonation',
    });
    expect(dir.applyAnnouncement(announcement(3, 5, messagingSecret(3), stacksKey(3)))).toEqual({
      ok: false,
      reason: 'unknown-party',
      party: 3,
    });
    expect(dir.applyAnnouncement(new TextEncoder().encode('{}'))).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    // A valid envelope of another kind.
    const ready = seal(
      {
        kind: 'signer-ready',
        sender: { partyId: 1, publicKey: schnorr.getPublicKey(stacksKey(1)) },
        chainTip: { height: 1, hash: new Uint8Array(32) },
        payload: { keyIds: [1] },
      },
      stacksKey(1),
    );
    expect(dir.applyAnnouncement(ready)).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'unexpected-kind',
    });
    // A possession proof for another party id (copied from party 2's announcement).
    const forged = JSON.parse(
      new TextDecoder().decode(announcement(2, 5, messagingSecret(2), stacksKey(2))),
    );
    const mine = announceKey(1, 5, messagingSecret(1));
    const spliced = seal(
      {
        kind: 'key-announcement',
        sender: { partyId: 1, publicKey: schnorr.getPublicKey(stacksKey(1)) },
        chainTip: { height: 1, hash: new Uint8Array(32) },
        payload: {
          ...mine,
          possession: Uint8Array.from(Buffer.from(forged.payload.possession, 'hex')),
        },
      },
      stacksKey(1),
    );
    expect(dir.applyAnnouncement(spliced)).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'invalid-proof',
    });
    expect(dir.announcements()).toEqual([]);
  });

  it('keysForOpen: registered key for announcements, messaging key otherwise', () => {
    const dir = new KeyDirectory([candidate(1)]);
    const announceKeys = dir.keysForOpen('key-announcement');
    const messageKeys = dir.keysForOpen();
    expect(bytesToHex(announceKeys(1) as Uint8Array)).toBe(registered(1).slice(2));
    expect(messageKeys(1)).toBeUndefined();
    expect(announceKeys(2)).toBeUndefined();
    dir.applyAnnouncement(announcement(1, 7, messagingSecret(1), stacksKey(1)));
    // The function reads the directory when called.
    expect(bytesToHex(messageKeys(1) as Uint8Array)).toBe(xOnlyHex(messagingSecret(1)));
    expect(dir.keysForOpen('signer-ready')(1)).toEqual(messageKeys(1));

    // openMessage: messages under the messaging key open; announcements are refused there.
    const msg = seal(
      {
        kind: 'signer-ready',
        sender: { partyId: 1, publicKey: schnorr.getPublicKey(messagingSecret(1)) },
        chainTip: { height: 1, hash: new Uint8Array(32) },
        payload: { keyIds: [1] },
      },
      messagingSecret(1),
    );
    expect(dir.openMessage(msg).ok).toBe(true);
    const again = announcement(1, 8, messagingSecret(1), stacksKey(1));
    expect(dir.openMessage(again)).toMatchObject({ ok: false, error: { code: 'unexpected-kind' } });
    dir.applyAnnouncement(announcement(1, 9, messagingSecret(1, 1), stacksKey(1)));
    expect(dir.openMessage(msg)).toMatchObject({ ok: false, error: { code: 'impersonation' } });
  });

  it('update: a removed or re-keyed party loses its announcement; ids follow the registry', () => {
    const dir = new KeyDirectory([candidate(1), candidate(2), candidate(3)]);
    for (const i of [1, 2, 3]) {
      expect(dir.applyAnnouncement(announcement(i, 10, messagingSecret(i), stacksKey(i))).ok).toBe(
        true,
      );
    }
    // Same read: nothing changes.
    expect(dir.update([candidate(1), candidate(2), candidate(3)])).toEqual({
      removed: [],
      rekeyed: [],
      dropped: [],
    });
    expect(dir.announcements()).toHaveLength(3);
    // Operator 1 re-registers another key: its announcement was signed under the old key.
    const other = bytesToHex(secp256k1.getPublicKey(stacksKey(9), true));
    expect(dir.update([candidate(1, 1n, other), candidate(2), candidate(3)])).toEqual({
      removed: [],
      rekeyed: [1],
      dropped: [1],
    });
    expect(dir.messagingKey(1)).toBeUndefined();
    expect(dir.messagingKey(2)).toBe(xOnlyHex(messagingSecret(2)));
    // Operator 2 removed on chain (weight 0): operator 3 becomes party 2, and must re-announce.
    expect(dir.update([candidate(1, 1n, other), candidate(2, 0n), candidate(3)])).toEqual({
      removed: [3],
      rekeyed: [2],
      dropped: [2, 3],
    });
    expect(dir.parties.map((p) => [p.id, p.signer])).toEqual([
      [1, 'S1'],
      [2, 'S3'],
    ]);
    expect(dir.announcements()).toEqual([]);
    // Operator 3's old announcement (for party 3) is refused; a new one for party 2 is taken.
    expect(
      dir.applyAnnouncement(announcement(3, 11, messagingSecret(3), stacksKey(3))),
    ).toMatchObject({ ok: false, reason: 'unknown-party' });
    expect(dir.applyAnnouncement(announcement(2, 11, messagingSecret(3), stacksKey(3))).ok).toBe(
      true,
    );
  });

  it('a malformed registry read throws and changes nothing', () => {
    const dir = new KeyDirectory([candidate(1)]);
    dir.applyAnnouncement(announcement(1, 3, messagingSecret(1), stacksKey(1)));
    expect(() => dir.update([candidate(1), candidate(2, 1n, 'beef')])).toThrow(/curve point/);
    expect(dir.messagingKey(1)).toBe(xOnlyHex(messagingSecret(1)));
  });

  it('federationConfig: not ready until every party announced; then messaging keys and thresholds', () => {
    const weights = [1n, 1n, 2n, 3n, 3n];
    const dir = new KeyDirectory(weights.map((w, i) => candidate(i + 1, w)));
    const opts = { network: 'regtest' as const, timeouts: DEFAULT_TIMEOUTS };
    expect(dir.federationConfig(opts)).toEqual({
      ok: false,
      reason: 'not ready: parties 1,2,3,4,5 have not announced',
      missing: [1, 2, 3, 4, 5],
    });
    for (const i of [1, 3, 4])
      dir.applyAnnouncement(announcement(i, 1, messagingSecret(i), stacksKey(i)));
    expect(dir.federationConfig(opts)).toMatchObject({
      ok: false,
      reason: 'not ready: parties 2,5 have not announced',
    });
    for (const i of [2, 5])
      dir.applyAnnouncement(announcement(i, 1, messagingSecret(i), stacksKey(i)));
    const r = dir.federationConfig(opts);
    if (!r.ok) throw new Error(r.reason);
    expect(r.config.threshold).toBe(7);
    expect(r.config.dkgThreshold).toBe(8);
    expect(r.config.parties).toEqual(
      [1, 2, 3, 4, 5].map((i, k) => ({
        id: i,
        keyIds: [[1], [2], [3, 4], [5, 6, 7], [8, 9, 10]][k],
        publicKey: xOnlyHex(messagingSecret(i)),
      })),
    );
    expect(() => assertConfig(r.config)).not.toThrow();
  });

  it('federationConfig: a single key id is not a federation', () => {
    const dir = new KeyDirectory([candidate(1)]);
    dir.applyAnnouncement(announcement(1, 1, messagingSecret(1), stacksKey(1)));
    expect(dir.federationConfig({ network: 'regtest', timeouts: DEFAULT_TIMEOUTS })).toMatchObject({
      ok: false,
      reason: 'not ready: 1 key ids, at least 2 needed',
    });
  });
});
