import { pino } from 'pino';
import { parseCli, USAGE } from './cli.ts';
import { type Devnet, startDevnet } from './devnet.ts';

const log = pino({ name: 'devnet' });

let options: ReturnType<typeof parseCli>;
try {
  options = parseCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
log.level = options.logLevel;

// Signals during start-up (the simnet takes seconds to load) exit at once; later ones stop cleanly.
let devnet: Devnet | undefined;
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  if (!devnet) process.exit(0);
  devnet.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

log.info(
  {
    stacksPort: options.stacksPort,
    bitcoinPort: options.bitcoinPort,
    dataDir: options.dataDir ?? null,
  },
  'starting (loading the simnet)',
);
devnet = await startDevnet({
  stacksPort: options.stacksPort,
  bitcoinPort: options.bitcoinPort,
  host: options.host,
  ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  blockIntervalMs: options.blockIntervalMs,
  rpcUser: options.rpcUser,
  rpcPassword: options.rpcPassword,
  feeRate: options.feeRate,
  logger: log,
}).catch((err: unknown) => {
  log.fatal({ err }, 'devnet failed to start');
  process.exit(1);
});
