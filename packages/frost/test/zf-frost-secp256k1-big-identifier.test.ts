import { describe } from 'vitest';
import { secp256k1 } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { runSigningVector, type SigningVector } from './suites/signing-vector.ts';

describe('ZF frost-secp256k1 vectors-big-identifier.json (257 participants, ids 129/256/257)', () => {
  runSigningVector(secp256k1, fixtureJson<SigningVector>('zf-frost-secp256k1-big-identifier.json'));
});
