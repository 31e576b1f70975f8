import { privateKeyToPublic } from '@stacks/transactions';

// The published Clarinet devnet keys for the mnemonics in fixtures/clarity/settings/Devnet.toml
// (public test keys; they hold nothing anywhere). The tests check they map to the simnet accounts.
export const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
export const WALLET_1_KEY = '7287ba251d44a4d3fd9276c88ce34c5c52a038955511cccaf77e61068649c17801';

/** Deterministic extra keys for multisig tests (compressed, with the 01 suffix stacks.js uses). */
export function testKey(seed: number): { priv: string; pub: string } {
  const priv = `${seed.toString(16).padStart(2, '0').repeat(32)}01`;
  return { priv, pub: privateKeyToPublic(priv) as string };
}
