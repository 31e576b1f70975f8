import { describe } from 'vitest';
import { secp256k1 } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { runSigningVector, type SigningVector } from './suites/signing-vector.ts';

describe('ZF frost-secp256k1 vectors.json', () => {
  runSigningVector(secp256k1, fixtureJson<SigningVector>('zf-frost-secp256k1.json'));
});
