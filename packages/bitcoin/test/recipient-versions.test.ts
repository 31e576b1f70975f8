// @peg/bitcoin owns the withdrawal recipient versions; @peg/contracts and @peg/wire keep copies
// (they must not depend on this package). These tests pin the copies to the owner.
import { MAX_ADDRESS_VERSION, RECIPIENT_VERSIONS } from '@peg/contracts';
import { Recipient } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import { MAX_RECIPIENT_VERSION, RECIPIENT_VERSION, recipientHashLength } from '../src/index.ts';

describe('withdrawal recipient versions: one owner, pinned copies', () => {
  it('@peg/contracts has the same versions and maximum', () => {
    expect(RECIPIENT_VERSIONS).toEqual(RECIPIENT_VERSION);
    expect(MAX_ADDRESS_VERSION).toBe(MAX_RECIPIENT_VERSION);
  });

  it('@peg/wire accepts exactly the (version, hash length) pairs @peg/bitcoin pays', () => {
    for (let version = -1; version <= MAX_RECIPIENT_VERSION + 2; version++) {
      for (const length of [0, 19, 20, 21, 31, 32, 33]) {
        const accepted = Recipient.safeParse({ version, hashbytes: '00'.repeat(length) }).success;
        expect(accepted, `version ${version}, ${length} bytes`).toBe(
          recipientHashLength(version) === length,
        );
      }
    }
  });

  it('recipientHashLength: 20 bytes for versions 0-4, 32 for 5-6, none otherwise', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(recipientHashLength)).toEqual([20, 20, 20, 20, 20, 32, 32]);
    expect([-1, 7, 1.5].map(recipientHashLength)).toEqual([undefined, undefined, undefined]);
  });
});
