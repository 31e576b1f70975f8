import { fileURLToPath } from 'node:url';

/** Names of our contracts, as deployed by the simnet plan (and named like the deployed sBTC ones). */
export const CONTRACT_NAMES = Object.freeze({
  registry: 'sbtc-registry',
  token: 'sbtc-token',
  withdrawal: 'sbtc-withdrawal',
} as const);

/** One of our contracts' names. */
export type ContractName = (typeof CONTRACT_NAMES)[keyof typeof CONTRACT_NAMES];

// src/ and dist/ both sit one level below the package root, so the same relative URL works
// from the TypeScript sources and from the build.
const packageRoot = new URL('../', import.meta.url);

/** Absolute path of the Clarinet manifest, for `initSimnet(manifestPath)`. */
export const manifestPath: string = fileURLToPath(new URL('Clarinet.toml', packageRoot));

/** Absolute path of the folder holding the Clarity sources. */
export const contractsDir: string = fileURLToPath(new URL('contracts/', packageRoot));

/** Absolute path of one contract's Clarity source. */
export function contractSourcePath(name: ContractName): string {
  if (!Object.values(CONTRACT_NAMES).includes(name)) {
    throw new RangeError(
      `"name" expected one of ${Object.values(CONTRACT_NAMES).join(', ')}, got ${String(name)}`,
    );
  }
  return fileURLToPath(new URL(`contracts/${name}.clar`, packageRoot));
}
