/**
 * `peg-coordinator`: start, status, probe (commander). The coordinator uses its operator's
 * keystore (the signer's `peg-signer init` made it); the password comes from
 * `PEG_KEYSTORE_PASSWORD` or the file `PEG_KEYSTORE_PASSWORD_FILE` names. Exit codes: 0 done,
 * 1 failure (wrong password, damaged keystore, a node or the relay not answering), 2 bad usage
 * or configuration (unknown command or option, the configuration file or its env overrides, the
 * password variables or file).
 */
import { readFile } from 'node:fs/promises';
import {
  createLogger,
  exitOnUsage,
  keystorePassword,
  loadConfigFile,
  openOperatorContext,
  readApiEndpoint,
  resolveConfigPath,
  stopOnSignals,
} from '@peg/runtime';
import { Command } from 'commander';
import { startCoordinatorApi } from './api-server.ts';
import { COORDINATOR_ENV_PREFIX, CoordinatorConfigSchema } from './config.ts';
import { CoordinatorNode } from './coordinator-node.ts';
import { crashHook } from './peg-out/crash-points.ts';

const VERSION = '0.1.0';

/** The configuration file, validated (a `ConfigError` exits 2: see main.ts). */
const loadConfig = (path: string) =>
  loadConfigFile(CoordinatorConfigSchema, { path, envPrefix: COORDINATOR_ENV_PREFIX });

async function callApi(configPath: string, method: 'GET' | 'POST', route: string, body?: unknown) {
  const config = await loadConfig(configPath);
  const endpoint = await readApiEndpoint(
    resolveConfigPath(configPath, config.dataDir),
    'coordinator',
  );
  if (endpoint === undefined)
    throw new Error('the coordinator is not running (no API endpoint recorded in its data folder)');
  const token = (
    await readFile(resolveConfigPath(configPath, config.api.tokenFile), 'utf8')
  ).trim();
  const r = await fetch(new URL(route, endpoint), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(90_000),
  });
  const answer = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${route} answered ${r.status}: ${JSON.stringify(answer)}`);
  return answer;
}

export function coordinatorProgram(): Command {
  const program = new Command('peg-coordinator')
    .description('The coordinator process of a peg federation operator')
    .version(VERSION)
    // Set before the commands are added, which inherit both.
    .exitOverride(exitOnUsage)
    .showHelpAfterError('(add --help for usage)');

  program
    .command('start')
    .description('run the coordinator: DKG, key publication, signing rounds, peg-outs')
    .requiredOption('--config <file>', 'coordinator.json')
    .action(async (o) => {
      const config = await loadConfig(o.config);
      const crash = crashHook(
        process.env,
        resolveConfigPath(o.config, config.dataDir),
        import.meta.url.endsWith('.ts'),
      );
      const password = await keystorePassword();
      const logger = createLogger({ name: 'peg-coordinator', level: config.log.level });
      const ctx = await openOperatorContext(config, { configPath: o.config, password, logger });
      const node = new CoordinatorNode({
        ctx,
        config,
        logger,
        password,
        ...(crash !== undefined ? { crash } : {}),
      });
      const api = await startCoordinatorApi(node, logger);
      stopOnSignals(async () => {
        logger.info('stopping');
        await api.close();
        await node.stop();
      });
      await node.start();
    });

  program
    .command('status')
    .description("print the running coordinator's status (Coordinator API /v1/status)")
    .requiredOption('--config <file>', 'coordinator.json')
    .action(async (o) => {
      process.stdout.write(
        `${JSON.stringify(await callApi(o.config, 'GET', '/v1/status'), null, 2)}\n`,
      );
    });

  program
    .command('probe')
    .description('have the federation sign a probe message (a liveness check that spends nothing)')
    .requiredOption('--config <file>', 'coordinator.json')
    .action(async (o) => {
      process.stdout.write(
        `${JSON.stringify(await callApi(o.config, 'POST', '/v1/probe', {}), null, 2)}\n`,
      );
    });

  return program;
}
