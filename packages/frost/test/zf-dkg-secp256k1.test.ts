import { describe } from 'vitest';
import { secp256k1 } from '../src/suites.ts';
import { fixtureJson } from './helpers.ts';
import { type DkgVector, runDkgVector } from './suites/dkg-vector.ts';

describe('ZF frost-secp256k1 vectors_dkg.json', () => {
  runDkgVector(secp256k1, fixtureJson<DkgVector>('zf-dkg-secp256k1.json'));
});
