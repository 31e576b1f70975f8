import { describe } from 'vitest';
import { secp256k1 } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { runSigningVector, type SigningVector } from './suites/signing-vector.ts';

describe('RFC 9591 Appendix E.5 FROST(secp256k1, SHA-256)', () => {
  runSigningVector(secp256k1, fixtureJson<SigningVector>('rfc9591-secp256k1.json'));
});
