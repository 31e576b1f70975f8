import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseStoreSpec, type StoreSpec } from './store/open.ts';

/** The command line: each flag also has an environment variable (the flag wins). */
export const HELP = `peg-relay: durable, authenticated queue server of the peg federation

Usage: peg-relay [options]
       peg-relay keygen --id <member id>   print a fresh key pair and its members-file entry

Options (environment variable in brackets):
  --host <addr>          listen address                          [PEG_RELAY_HOST] (127.0.0.1)
  --port <n>             listen port, 0 = any free port           [PEG_RELAY_PORT] (9776)
  --store <spec>         sqlite:<file> or nats://<host>:<port>[,nats://...]
                                                                 [PEG_RELAY_STORE] (sqlite:./data/relay.sqlite)
  --members <file>       members file (JSON: federation, members, admins); this or
                         --members-from-chain unless --compat; re-read on SIGHUP
                                                                 [PEG_RELAY_MEMBERS]
  --members-from-chain <url>
                         membership from the signer registry on this Stacks node
                         (parties' registered keys + their key announcements),
                         re-read at each Stacks block            [PEG_RELAY_MEMBERS_FROM_CHAIN]
  --contracts <address>  the registry contract's deployer address (with
                         --members-from-chain)                   [PEG_RELAY_CONTRACTS]
  --registry <name>      the registry contract's name            [PEG_RELAY_REGISTRY] (sbtc-registry)
  --stacks-network <n>   mainnet|testnet|devnet                  [PEG_RELAY_STACKS_NETWORK] (devnet)
  --chain-interval <ms>  how often the Stacks tip is polled      [PEG_RELAY_CHAIN_INTERVAL_MS] (2000)
  --compat               also serve the original relay API, UNAUTHENTICATED
                                                                 [PEG_RELAY_COMPAT=1]
  --check-sender         refuse envelopes whose sender.partyId is not the posting member
                                                                 [PEG_RELAY_CHECK_SENDER=1]
  --federation <name>    federation name with --members-from-chain, or with --compat
                         and no members
                                                                 [PEG_RELAY_FEDERATION] (compat)
  --replicas <n>         JetStream stream/KV replicas (1 or 3)   [PEG_RELAY_NATS_REPLICAS] (1)
  --token-secret <hex>   32-byte HMAC key for bearer tokens; give every relay of one
                         federation the same one (default: random per process)
                                                                 [PEG_RELAY_TOKEN_SECRET]
  --rate <n>             per-key requests per second              [PEG_RELAY_RATE] (500)
  --burst <n>            per-key burst                            [PEG_RELAY_BURST] (1000)
  --log-level <level>    fatal|error|warn|info|debug|trace        [PEG_RELAY_LOG_LEVEL] (info)
  -h, --help             show this help

Relative paths (--members, --store sqlite:<file>) resolve against the directory the command
was run from (INIT_CWD, which pnpm sets), else the working directory.

Tuning (environment only): PEG_RELAY_SQLITE_CHECKPOINT_BYTES (8 MiB): WAL bytes between
SQLite checkpoints.

Signals: SIGTERM/SIGINT close gracefully (stop accepting, finish in-flight requests, close
the store); SIGHUP re-reads the members file.
`;

const PositiveInt = z.coerce.number().pipe(z.int().min(1));

/** The relay's validated configuration. */
export const RelayConfig = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().pipe(z.int().min(0).max(65_535)).default(9776),
    store: z
      .string()
      .default('sqlite:./data/relay.sqlite')
      .transform((s, ctx): StoreSpec => {
        try {
          return parseStoreSpec(s);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
          return z.NEVER;
        }
      }),
    members: z.string().min(1).optional(),
    membersFromChain: z.url({ protocol: /^https?$/ }).optional(),
    contracts: z
      .string()
      .regex(/^S[0-9A-Z]{39,40}$/, 'contracts: a Stacks address (the registry deployer)')
      .optional(),
    registry: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/, 'registry: a Clarity contract name')
      .default('sbtc-registry'),
    stacksNetwork: z.enum(['mainnet', 'testnet', 'devnet']).default('devnet'),
    chainIntervalMs: PositiveInt.default(2_000),
    compat: z.boolean().default(false),
    checkSender: z.boolean().default(false),
    federation: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .default('compat'),
    replicas: z.coerce.number().pipe(z.int().min(1).max(5)).default(1),
    tokenSecret: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'token secret: 64 lowercase hex digits')
      .optional(),
    rate: PositiveInt.default(500),
    burst: PositiveInt.default(1000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    sqliteCheckpointBytes: PositiveInt.optional(),
  })
  .refine((c) => c.members !== undefined || c.membersFromChain !== undefined || c.compat, {
    message: '--members <file> or --members-from-chain <url> is required unless --compat is given',
    path: ['members'],
  })
  .refine((c) => c.members === undefined || c.membersFromChain === undefined, {
    message: 'give --members or --members-from-chain, not both',
    path: ['membersFromChain'],
  })
  .refine((c) => c.membersFromChain === undefined || c.contracts !== undefined, {
    message: '--members-from-chain needs --contracts <registry deployer address>',
    path: ['contracts'],
  });
export type RelayConfig = z.output<typeof RelayConfig>;

const ENV: Record<string, string> = {
  host: 'PEG_RELAY_HOST',
  port: 'PEG_RELAY_PORT',
  store: 'PEG_RELAY_STORE',
  members: 'PEG_RELAY_MEMBERS',
  membersFromChain: 'PEG_RELAY_MEMBERS_FROM_CHAIN',
  contracts: 'PEG_RELAY_CONTRACTS',
  registry: 'PEG_RELAY_REGISTRY',
  stacksNetwork: 'PEG_RELAY_STACKS_NETWORK',
  chainIntervalMs: 'PEG_RELAY_CHAIN_INTERVAL_MS',
  federation: 'PEG_RELAY_FEDERATION',
  replicas: 'PEG_RELAY_NATS_REPLICAS',
  tokenSecret: 'PEG_RELAY_TOKEN_SECRET',
  rate: 'PEG_RELAY_RATE',
  burst: 'PEG_RELAY_BURST',
  logLevel: 'PEG_RELAY_LOG_LEVEL',
  sqliteCheckpointBytes: 'PEG_RELAY_SQLITE_CHECKPOINT_BYTES',
};

export type ParsedCli = { help: true } | { help: false; config: RelayConfig };

/**
 * Parses argv and the environment into a validated config; throws with a readable message.
 * Relative paths (the members file, a SQLite store) are resolved against the directory the
 * command was run from: `INIT_CWD` when a package manager runs us (pnpm runs package scripts
 * inside the package, so `pnpm --filter @peg/relay start -- --members members.json` from the
 * repository root means the root's members.json), else `cwd`.
 */
export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): ParsedCli {
  // `pnpm start -- --flag` hands the script a leading `--`: drop it.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      store: { type: 'string' },
      members: { type: 'string' },
      'members-from-chain': { type: 'string' },
      contracts: { type: 'string' },
      registry: { type: 'string' },
      'stacks-network': { type: 'string' },
      'chain-interval': { type: 'string' },
      compat: { type: 'boolean' },
      'check-sender': { type: 'boolean' },
      federation: { type: 'string' },
      replicas: { type: 'string' },
      'token-secret': { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const fromFlags: Record<string, unknown> = {
    host: values.host,
    port: values.port,
    store: values.store,
    members: values.members,
    membersFromChain: values['members-from-chain'],
    contracts: values.contracts,
    registry: values.registry,
    stacksNetwork: values['stacks-network'],
    chainIntervalMs: values['chain-interval'],
    federation: values.federation,
    replicas: values.replicas,
    tokenSecret: values['token-secret'],
    rate: values.rate,
    burst: values.burst,
    logLevel: values['log-level'],
  };
  const input: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV)) {
    const v = fromFlags[key] ?? env[name];
    if (v !== undefined && v !== '') input[key] = v;
  }
  input.checkSender =
    values['check-sender'] ??
    ['1', 'true', 'yes'].includes((env.PEG_RELAY_CHECK_SENDER ?? '').toLowerCase());
  input.compat =
    values.compat ?? ['1', 'true', 'yes'].includes((env.PEG_RELAY_COMPAT ?? '').toLowerCase());
  const parsed = RelayConfig.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'config'}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const base = env.INIT_CWD || cwd;
  const config = parsed.data;
  if (config.members !== undefined) config.members = resolve(base, config.members);
  if (config.store.kind === 'sqlite') config.store.file = resolve(base, config.store.file);
  return { help: false, config };
}
