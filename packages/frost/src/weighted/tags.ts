/**
 * Domain tags of the weighted layer (docs/protocol/crypto.md); each proof, key derivation and
 * digest has its own. The hash constructions themselves are `src/hash.ts`.
 * @module
 */
export const TAG = {
  pok: 'peg/frost/weighted/v1/pok',
  kexPok: 'peg/frost/weighted/v1/kex-pok',
  dleq: 'peg/frost/weighted/v1/dleq',
  shareKey: 'peg/frost/weighted/v1/share-key',
  shareAad: 'peg/frost/weighted/v1/share',
  echo: 'peg/frost/weighted/v1/echo',
  publicShares: 'peg/frost/weighted/v1/public-shares',
} as const;
