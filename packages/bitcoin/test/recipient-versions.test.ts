// @peg/bitcoin owns the withdrawal recipient versions in TypeScript. The withdrawal contract
// enforces its own Clarity constants, and @peg/wire's Recipient schema keeps a copy (wire must not
// depend on this package): these tests pin both to the owner.
import { readFileSync } from 'node:fs';
import { CONTRACT_NAMES, contractSourcePath } from '@peg/contracts';
import { Recipient } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import { MAX_RECIPIENT_VERSION, RECIPIENT_VERSION, recipientHashLength } from '../src/index.ts';

describe('withdrawal recipient versions: one owner, pinned copies', () => {
  it('the withdrawal contract checks the same maximum version and 20-byte range', () => {
    const clarity = readFileSync(contractSourcePath(CONTRACT_NAMES.withdrawal), 'utf8');
    const constant = (name: string) =>
      Number(new RegExp(`\\(define-constant ${name} u(\\d+)\\)`).exec(clarity)?.[1]);
    expect(constant('MAX_ADDRESS_VERSION')).toBe(MAX_RECIPIENT_VERSION);
    expect(constant('MAX_ADDRESS_VERSION_BUFF_20')).toBe(RECIPIENT_VERSION.p2wpkh);
    expect(recipientHashLength(RECIPIENT_VERSION.p2wpkh + 1)).toBe(32);
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
