/**
 * The configuration both processes of an operator share (`peg-signer`, `peg-coordinator`): the
 * keystore, where their data lives, the relay, the chains, the HTTP API and logging. Each app
 * extends it with its own keys. Paths are relative to the configuration file. No secret is ever
 * in the file: the keystore password comes from the environment (or a file it names), the
 * Bitcoin RPC password from a file.
 */
import { DEFAULT_TIMEOUTS, type Timeouts } from '@peg/protocol';
import { z } from 'zod';
import { LogLevelSchema } from '../log/create-logger.ts';
import { PegOutConfigSchema } from '../peg-out/config.ts';

const port = z.int().min(0).max(65_535);
const ms = (min: number, max: number) => z.int().min(min).max(max);
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/** Protocol timeouts (ms); every process of a federation must use the same ones. */
export const TimeoutsSchema = z
  .strictObject(
    Object.fromEntries(
      Object.keys(DEFAULT_TIMEOUTS).map((k) => [k, ms(1, 3_600_000).optional()]),
    ) as Record<keyof typeof DEFAULT_TIMEOUTS, z.ZodOptional<z.ZodInt>>,
  )
  .default({});

export const ProcessConfigShape = {
  /** The Bitcoin network of the peg wallet. */
  network: z.enum(['bitcoin', 'testnet', 'regtest']),
  /** The operator's keystore file (`peg-signer init` creates it). */
  keystore: z.string().min(1),
  /** Where this process keeps its state (SQLite files). */
  dataDir: z.string().min(1).default('.'),
  relay: z.strictObject({
    /** The relay's origin, e.g. http://127.0.0.1:9776. */
    url: httpUrl,
    /** The federation name the relay serves. */
    federation: z.string().min(1).max(64),
  }),
  bitcoin: z.strictObject({
    /** Bitcoin Core JSON-RPC URL (credentials not here: `rpcUser`, `rpcPasswordFile`). */
    rpcUrl: httpUrl,
    rpcUser: z.string().min(1).optional(),
    /** A file holding the RPC password (one line). */
    rpcPasswordFile: z.string().min(1).optional(),
    /** Time between `getbestblockhash` polls. */
    pollMs: ms(50, 600_000).default(5_000),
  }),
  stacks: z.strictObject({
    /** Stacks node RPC (`/v2/...`). */
    nodeUrl: httpUrl,
    /** Stacks API (`/extended/...`); default: nodeUrl. */
    apiUrl: httpUrl.optional(),
    network: z.enum(['mainnet', 'testnet', 'devnet']),
    /** The deployer of the registry, withdrawal and token contracts. */
    contractsAddress: z.string().min(1),
    /** Time between Stacks tip polls. */
    pollMs: ms(50, 600_000).default(2_000),
  }),
  api: z
    .strictObject({
      /** Interface of the HTTP API: loopback unless the operator opens it. */
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(0),
      /** A file holding the operator token (created by `init`). */
      tokenFile: z.string().min(1).default('api-token'),
    })
    .default({ host: '127.0.0.1', port: 0, tokenFile: 'api-token' }),
  log: z.strictObject({ level: LogLevelSchema.default('info') }).default({ level: 'info' }),
  timeouts: TimeoutsSchema,
  /** Peg-out depths and fee bounds; every process of a federation must use the same ones. */
  pegOut: PegOutConfigSchema,
};

/** The protocol timeouts of a configuration: the defaults, with the ones it sets. */
export function timeoutsOf(config: {
  timeouts: Partial<Record<keyof Timeouts, number | undefined>>;
}): Timeouts {
  const t = { ...DEFAULT_TIMEOUTS };
  for (const [k, v] of Object.entries(config.timeouts))
    if (v !== undefined) t[k as keyof Timeouts] = v;
  return t;
}
