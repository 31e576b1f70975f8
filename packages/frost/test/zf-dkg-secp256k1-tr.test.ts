import { describe } from 'vitest';
import { taproot } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { type DkgVector, runDkgVector } from './suites/dkg-vector.ts';

// Keys in this file are after ZF's automatic post-DKG TapTweak (empty merkle root); the
// untweaked group key is odd, so the key negation path runs too.
describe('ZF frost-secp256k1-tr vectors_dkg.json (auto-tweaked output)', () => {
  runDkgVector(taproot, fixtureJson<DkgVector>('zf-dkg-secp256k1-tr.json'));
});
