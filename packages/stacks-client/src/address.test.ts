import { privateKeyToPublic } from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import { stacksAddressOf } from './address.ts';

describe('stacksAddressOf', () => {
  it("gives the devnet deployer's address for its key (docs/chains.md)", () => {
    const sk = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
    const pub = String(privateKeyToPublic(sk));
    expect(stacksAddressOf(pub, 'devnet')).toBe('ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM');
    expect(stacksAddressOf(pub, 'mainnet')).toMatch(/^SP/);
    expect(() => stacksAddressOf('04ab', 'devnet')).toThrow(TypeError);
  });
});
