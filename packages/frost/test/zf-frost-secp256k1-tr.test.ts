import { describe } from 'vitest';
import { taproot } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { runSigningVector, type SigningVector } from './suites/signing-vector.ts';

describe('ZF frost-secp256k1-tr vectors.json (odd group commitment R)', () => {
  runSigningVector(taproot, fixtureJson<SigningVector>('zf-frost-secp256k1-tr.json'));
});
