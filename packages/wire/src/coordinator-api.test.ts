import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import {
  bitcoin,
  dkgRound,
  federationKey,
  relay,
  signingRound,
  stacks,
} from '../test/api-samples.ts';
import { CoordinatorEvent, CoordinatorRole, CoordinatorStatus } from './coordinator-api.ts';

const status: CoordinatorStatus = {
  version: '0.1.0',
  partyId: 2,
  messagingKey: bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(5))),
  coordinator: { active: 2, self: true },
  key: federationKey,
  parties: 5,
  currentRound: { kind: 'signing', round: signingRound },
  relay,
  bitcoin,
  stacks,
  lastRounds: { dkg: dkgRound, signing: signingRound },
};

describe('coordinator API bodies', () => {
  test('valid bodies parse to themselves', () => {
    expect(CoordinatorStatus.parse(status)).toEqual(status);
    const idle = {
      ...status,
      coordinator: { active: 4, self: false },
      key: null,
      currentRound: null,
      lastRounds: { dkg: null, signing: null },
    };
    expect(CoordinatorStatus.parse(idle)).toEqual(idle);
    const dkg = { ...status, currentRound: { kind: 'dkg', round: dkgRound } };
    expect(CoordinatorStatus.parse(dkg)).toEqual(dkg);
  });

  test('self is active exactly when the active coordinator is its own party', () => {
    expect(
      CoordinatorStatus.safeParse({ ...status, coordinator: { active: 3, self: true } }).success,
    ).toBe(false);
    expect(
      CoordinatorStatus.safeParse({ ...status, coordinator: { active: 2, self: false } }).success,
    ).toBe(false);
    expect(CoordinatorRole.safeParse({ active: null, self: true }).success).toBe(false);
    expect(CoordinatorRole.parse({ active: null, self: false })).toEqual({
      active: null,
      self: false,
    });
  });

  test('the current round names its kind', () => {
    const mislabelled = { ...status, currentRound: { kind: 'dkg', round: signingRound } };
    expect(CoordinatorStatus.safeParse(mislabelled).success).toBe(false);
  });

  test('no body accepts an extra field', () => {
    expect(CoordinatorStatus.safeParse({ ...status, stateKey: '00'.repeat(32) }).success).toBe(
      false,
    );
    expect(CoordinatorEvent.safeParse({ type: 'refused', reason: 'silent' }).success).toBe(false);
    expect(CoordinatorEvent.parse({ type: 'coordinator', active: 3 })).toEqual({
      type: 'coordinator',
      active: 3,
    });
  });
});
