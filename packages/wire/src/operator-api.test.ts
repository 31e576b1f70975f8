import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import {
  BIP86,
  bitcoin,
  dkgRound,
  federationKey,
  relay,
  signingRound,
  stacks,
} from '../test/api-samples.ts';
import {
  ChainConnectivity,
  DkgRoundSummary,
  FederationKey,
  LastRounds,
  ProcessHealth,
  RelayConnectivity,
  RoundsQuery,
  RoundsResponse,
  SigningRoundSummary,
} from './operator-api.ts';
import { taprootOutputKey } from './taproot.ts';

describe('operator API parts', () => {
  test('valid bodies parse to themselves', () => {
    expect(FederationKey.parse(federationKey)).toEqual(federationKey);
    expect(RelayConnectivity.parse(relay)).toEqual(relay);
    expect(ChainConnectivity.parse(bitcoin)).toEqual(bitcoin);
    expect(ChainConnectivity.parse(stacks)).toEqual(stacks);
    expect(DkgRoundSummary.parse(dkgRound)).toEqual(dkgRound);
    expect(SigningRoundSummary.parse(signingRound)).toEqual(signingRound);
    expect(LastRounds.parse({ dkg: null, signing: null })).toEqual({ dkg: null, signing: null });
    const rounds = { dkg: [dkgRound], signing: [signingRound] };
    expect(RoundsResponse.parse(rounds)).toEqual(rounds);
    expect(ProcessHealth.parse({ status: 'ok', uptimeSeconds: 3 })).toEqual({
      status: 'ok',
      uptimeSeconds: 3,
    });
  });

  test("the output key must be the aggregate key's BIP341 output key (BIP86 vector)", () => {
    // Either parity of the aggregate key names the same x-only internal key.
    const odd = { ...federationKey, aggregateKey: `03${BIP86.internalKey}` };
    expect(FederationKey.safeParse(odd).success).toBe(true);
    const sk = new Uint8Array(32).fill(9);
    const other = bytesToHex(secp256k1.getPublicKey(sk, true));
    expect(FederationKey.safeParse({ ...federationKey, aggregateKey: other }).success).toBe(false);
    const itsOwn = bytesToHex(taprootOutputKey(secp256k1.getPublicKey(sk, true)) as Uint8Array);
    expect(
      FederationKey.safeParse({ ...federationKey, aggregateKey: other, outputKey: itsOwn }).success,
    ).toBe(true);
    // The untweaked key in the output field is refused too.
    expect(
      FederationKey.safeParse({ ...federationKey, outputKey: BIP86.internalKey }).success,
    ).toBe(false);
    expect(FederationKey.safeParse({ ...federationKey, threshold: 11 }).success).toBe(false);
  });

  test('addresses must be P2TR', () => {
    const p2wpkh = 'bc1qw508d6qejxtdg4c3tyuwsrzjpx8wyqgrv9l7zk';
    for (const address of [p2wpkh, 'bc1p123', BIP86.address.toUpperCase(), `x${BIP86.address}`])
      expect(FederationKey.safeParse({ ...federationKey, address }).success).toBe(false);
    const regtest = `bcrt1p${BIP86.address.slice(4)}`;
    expect(FederationKey.safeParse({ ...federationKey, address: regtest }).success).toBe(true);
  });

  test('endpoint URLs never carry credentials', () => {
    const withPassword = { ...bitcoin, url: 'http://user:secret@127.0.0.1:18443/' };
    expect(ChainConnectivity.safeParse(withPassword).success).toBe(false);
    expect(RelayConnectivity.safeParse({ ...relay, url: 'http://u@h/' }).success).toBe(false);
    expect(RelayConnectivity.safeParse({ ...relay, url: 'ftp://h/' }).success).toBe(false);
    expect(RelayConnectivity.safeParse({ ...relay, url: 'not a url' }).success).toBe(false);
  });

  test('a running round has no end; an ended one has an end and a duration', () => {
    expect(DkgRoundSummary.safeParse({ ...dkgRound, endedAt: null }).success).toBe(false);
    expect(DkgRoundSummary.safeParse({ ...dkgRound, durationMs: null }).success).toBe(false);
    expect(
      DkgRoundSummary.safeParse({ ...dkgRound, endedAt: dkgRound.startedAt - 1 }).success,
    ).toBe(false);
    expect(SigningRoundSummary.safeParse({ ...signingRound, outcome: 'failed' }).success).toBe(
      false,
    );
    expect(SigningRoundSummary.safeParse({ ...signingRound, attempts: 0 }).success).toBe(false);
    const reason = { partyId: 1, reason: 'Silent' };
    expect(SigningRoundSummary.safeParse({ ...signingRound, excluded: [reason] }).success).toBe(
      false,
    );
  });

  test('round queries are bounded', () => {
    expect(RoundsQuery.parse({})).toEqual({ limit: 50 });
    expect(RoundsQuery.parse({ limit: '3' })).toEqual({ limit: 3 });
    expect(RoundsQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(RoundsQuery.safeParse({ limit: '1', kind: 'dkg' }).success).toBe(false);
  });

  test('no part accepts an extra field', () => {
    expect(FederationKey.safeParse({ ...federationKey, share: '00' }).success).toBe(false);
    expect(RelayConnectivity.safeParse({ ...relay, token: 'x' }).success).toBe(false);
    const messaging = bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(3)));
    expect(DkgRoundSummary.safeParse({ ...dkgRound, messaging }).success).toBe(false);
  });
});
