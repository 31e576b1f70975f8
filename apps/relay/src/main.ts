#!/usr/bin/env -S node --max-semi-space-size=2 --heap-growing-percent=10
import { hexToBytes } from '@noble/hashes/utils.js';
import { createStacksClient } from '@peg/stacks-client';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { ChainMembers } from './chain-members.ts';
import { HELP, parseCli } from './config.ts';
import type { Membership } from './core/membership.ts';
import { KEYGEN_HELP, keygenCommand } from './keygen.ts';
import { loadMembersFile } from './members-file.ts';
import { openStore } from './store/open.ts';

// The shell: parse config (fail fast), open the store, build the app, listen; close gracefully
// on SIGTERM/SIGINT, reload members on SIGHUP.

async function main(): Promise<void> {
  // `pnpm start -- keygen …` hands a leading `--`.
  const argv = process.argv.slice(2);
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args[0] === 'keygen') {
    try {
      process.stdout.write(keygenCommand(args.slice(1)));
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n\n${KEYGEN_HELP}`);
      process.exit(2);
    }
    return;
  }
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(args, process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\nRun with --help for usage.\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = parsed.config;
  const log = pino({ level: config.logLevel, name: 'peg-relay' });

  const loadMembers = config.members
    ? (): Promise<Membership> => loadMembersFile(config.members as string)
    : undefined;
  const initial = loadMembers ? await loadMembers() : undefined;
  const federation = initial?.federation ?? config.federation;
  const store = await openStore(config.store, {
    federation,
    replicas: config.replicas,
    ...(config.sqliteCheckpointBytes !== undefined
      ? { sqliteCheckpointBytes: config.sqliteCheckpointBytes }
      : {}),
  });
  let chain: ChainMembers | undefined;
  if (config.membersFromChain !== undefined) {
    chain = new ChainMembers({
      federation,
      registry: createStacksClient({
        nodeUrl: config.membersFromChain,
        network: config.stacksNetwork,
        contracts: { address: config.contracts as string, registry: config.registry },
      }),
      store,
      log,
    });
    try {
      await chain.refresh();
    } catch (err) {
      await store.close();
      throw new Error(
        `cannot read the signer registry at ${config.membersFromChain}: ${(err as Error).message}`,
      );
    }
  }
  const watching = new AbortController();
  let first = true;
  const app = await buildApp({
    store,
    ...(chain ? { chain } : {}),
    ...(loadMembers
      ? {
          members: async () => {
            // The first call gets the file already read above.
            if (first && initial) {
              first = false;
              return initial;
            }
            return loadMembers();
          },
        }
      : {}),
    compat: config.compat,
    checkSender: config.checkSender,
    loggerInstance: log,
    rateLimit: { perSecond: config.rate, burst: config.burst },
    ...(config.tokenSecret ? { auth: { tokenSecret: hexToBytes(config.tokenSecret) } } : {}),
  });

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    // Armed first: nothing below (not even a stuck log destination) may keep the process up.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    log.info({ signal }, 'closing: stop accepting, finish in-flight requests, close the store');
    watching.abort();
    app.close().then(
      () => {
        log.info('closed');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    app.relay.reloadMembers().catch((err: unknown) => {
      log.error({ err }, 'membership reload failed; keeping the current membership');
    });
  });

  await app.listen({ host: config.host, port: config.port });
  // Each Stacks block: the registry again (removed members lose access at once).
  void chain?.watch({ signal: watching.signal, intervalMs: config.chainIntervalMs });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    {
      host: config.host,
      port,
      store: store.name,
      compat: config.compat,
      federation,
      members: chain ? 'chain' : config.members ? 'file' : 'none',
    },
    'relay listening',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`peg-relay failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
