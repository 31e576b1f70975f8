import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { decideProbe, MAX_PROBE_DATA, probeMessage } from './probe.ts';

const keyPath = { type: 'taproot', merkleRoot: null } as const;
const request = (unsignedTransaction: string, extra = {}) => ({
  dkgId: 1,
  signId: 1,
  iteration: 0,
  withdrawalRequestIds: [],
  unsignedTransaction,
  tweak: keyPath,
  ...extra,
});

describe('probe rounds', () => {
  it('the message is SHA-256 of the tagged preimage', () => {
    const p = probeMessage(Uint8Array.of(1, 2, 3));
    expect(p.preimage).toBe(`${bytesToHex(utf8ToBytes('peg/probe/v1'))}010203`);
    expect(p.message).toBe(bytesToHex(sha256(utf8ToBytes('peg/probe/v1\x01\x02\x03'))));
    expect(() => probeMessage(new Uint8Array(MAX_PROBE_DATA + 1))).toThrow(RangeError);
  });

  it('approves exactly the probe, refuses probes dressed as peg-outs, ignores the rest', () => {
    const p = probeMessage(Uint8Array.of(9));
    expect(decideProbe(request(p.preimage))).toEqual({
      approve: true,
      messages: [p.message],
      tweak: keyPath,
    });
    expect(decideProbe(request(p.preimage, { withdrawalRequestIds: [3] }))).toMatchObject({
      approve: false,
    });
    expect(decideProbe(request(p.preimage, { tweak: { type: 'none' } }))).toMatchObject({
      approve: false,
    });
    expect(decideProbe(request(`${p.preimage}${'00'.repeat(MAX_PROBE_DATA)}`))).toMatchObject({
      approve: false,
    });
    expect(decideProbe(request('0200000001'))).toBeUndefined();
    expect(decideProbe(request('not hex'))).toBeUndefined();
  });
});
