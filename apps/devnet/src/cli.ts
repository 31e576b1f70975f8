import { parseArgs } from 'node:util';

export const USAGE = `Usage: pnpm --filter @peg/devnet start -- [options]

Embedded local chains: a Stacks node/API over the Clarinet SDK simnet running @peg/contracts,
and a regtest-like Bitcoin ledger behind a Bitcoin Core JSON-RPC interface.

Options:
  --stacks-port <port>      Stacks API port (default 20443; 0 picks a free port)
  --bitcoin-port <port>     Bitcoin RPC port (default 18443; 0 picks a free port)
  --host <addr>             interface to listen on (default 127.0.0.1)
  --data <dir>              keep state in <dir> across restarts (default: in memory)
  --block-interval <ms>     mine a block every <ms> milliseconds; 0 = only on demand
                            (generatetoaddress, POST /devnet/mine) (default 0)
  --rpc-user <user>         Bitcoin RPC basic-auth user (default devnet)
  --rpc-password <pass>     Bitcoin RPC basic-auth password (default devnet)
  --fee-rate <sat/vB>       fee rate estimatesmartfee answers (default 2)
  --log-level <level>       pino level: fatal..trace, silent (default info)
  -h, --help                show this help
`;

export type CliOptions = {
  help: boolean;
  stacksPort: number;
  bitcoinPort: number;
  host: string;
  dataDir: string | undefined;
  blockIntervalMs: number;
  rpcUser: string;
  rpcPassword: string;
  feeRate: number;
  logLevel: string;
};

function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw new Error(`--${name} must be an integer between 0 and ${max}, got "${value}"`);
  return Number(value);
}

/** Parses the command line (throws with a message naming the bad flag). */
export function parseCli(argv: string[]): CliOptions {
  // `pnpm start -- --flag` passes a literal "--" through; it separates nothing here.
  const args = argv.filter((a) => a !== '--');
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      'stacks-port': { type: 'string' },
      'bitcoin-port': { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'block-interval': { type: 'string' },
      'rpc-user': { type: 'string' },
      'rpc-password': { type: 'string' },
      'fee-rate': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const feeRate = values['fee-rate'] === undefined ? 2 : Number(values['fee-rate']);
  if (!Number.isFinite(feeRate) || feeRate <= 0)
    throw new Error(`--fee-rate must be a positive number, got "${values['fee-rate']}"`);
  const logLevel = values['log-level'] ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new Error(`--log-level must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  for (const flag of ['rpc-user', 'rpc-password', 'data', 'host'] as const) {
    if (values[flag] === '') throw new Error(`--${flag} must not be empty`);
  }
  return {
    help: values.help === true,
    stacksPort: integer('stacks-port', values['stacks-port'], 20443, 65535),
    bitcoinPort: integer('bitcoin-port', values['bitcoin-port'], 18443, 65535),
    host: values.host ?? '127.0.0.1',
    dataDir: values.data,
    blockIntervalMs: integer('block-interval', values['block-interval'], 0),
    rpcUser: values['rpc-user'] ?? 'devnet',
    rpcPassword: values['rpc-password'] ?? 'devnet',
    feeRate,
    logLevel,
  };
}
