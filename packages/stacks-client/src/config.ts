import { validateStacksAddress } from '@stacks/transactions';
import { z } from 'zod';
import type { FetchFn } from './http.ts';

/** Contract names of the deployed sBTC contracts, which ours reuse. */
export const DEFAULT_CONTRACT_NAMES = Object.freeze({
  registry: 'sbtc-registry',
  withdrawal: 'sbtc-withdrawal',
  token: 'sbtc-token',
} as const);

const contractName = z
  .string()
  .regex(/^[a-zA-Z]([a-zA-Z0-9]|[-_])*$/, 'a Clarity contract name')
  .max(128);
const stacksAddress = z.string().refine(validateStacksAddress, 'a Stacks address (c32)');
const httpUrl = z.url({ protocol: /^https?$/ });

const optionsSchema = z.strictObject({
  /** Stacks node RPC base URL (serves `/v2/...`). */
  nodeUrl: httpUrl,
  /** Stacks API base URL (serves `/extended/...`); defaults to nodeUrl, as on our devnet. */
  apiUrl: httpUrl.optional(),
  network: z.enum(['mainnet', 'testnet', 'devnet']),
  contracts: z.strictObject({
    address: stacksAddress,
    registry: contractName.optional(),
    withdrawal: contractName.optional(),
    token: contractName.optional(),
  }),
  /** Sender of read-only calls; defaults to the contracts' deployer. */
  readOnlySender: stacksAddress.optional(),
});

/** Options of {@link createStacksClient}. */
export type StacksClientOptions = z.input<typeof optionsSchema> & {
  /** The fetch to use (tests inject one); defaults to globalThis.fetch. */
  fetch?: FetchFn;
};

/** Options after validation and defaults. */
export type ResolvedOptions = {
  nodeUrl: string;
  apiUrl: string;
  network: 'mainnet' | 'testnet' | 'devnet';
  contracts: { address: string; registry: string; withdrawal: string; token: string };
  readOnlySender: string;
  fetch: FetchFn;
};

/** Validates options at the boundary; throws a TypeError naming the bad field. */
export function resolveOptions(options: StacksClientOptions): ResolvedOptions {
  const { fetch: fetchFn, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `invalid Stacks client options: "${issue?.path.join('.') ?? ''}" ${issue?.message ?? ''}`,
    );
  }
  const o = parsed.data;
  if (fetchFn !== undefined && typeof fetchFn !== 'function') {
    throw new TypeError('invalid Stacks client options: "fetch" expected a function');
  }
  const strip = (url: string) => url.replace(/\/+$/, '');
  return Object.freeze({
    nodeUrl: strip(o.nodeUrl),
    apiUrl: strip(o.apiUrl ?? o.nodeUrl),
    network: o.network,
    contracts: Object.freeze({
      address: o.contracts.address,
      registry: o.contracts.registry ?? DEFAULT_CONTRACT_NAMES.registry,
      withdrawal: o.contracts.withdrawal ?? DEFAULT_CONTRACT_NAMES.withdrawal,
      token: o.contracts.token ?? DEFAULT_CONTRACT_NAMES.token,
    }),
    readOnlySender: o.readOnlySender ?? o.contracts.address,
    fetch: fetchFn ?? ((input, init) => globalThis.fetch(input, init)),
  });
}
