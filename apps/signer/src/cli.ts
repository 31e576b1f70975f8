/**
 * `peg-signer`: init, start, status, rotate-messaging-key (commander). The keystore password
 * comes from `PEG_KEYSTORE_PASSWORD` or the file `PEG_KEYSTORE_PASSWORD_FILE` names, never from
 * a flag. Exit codes: 0 done, 1 failure (wrong password, damaged keystore, a node or the relay not
 * answering), 2 bad usage or configuration (unknown command or option, the configuration file
 * or its env overrides, the password variables or file).
 */

import { readFile } from 'node:fs/promises';
import {
  createLogger,
  exitOnUsage,
  Keystore,
  keystorePassword,
  loadConfigFile,
  openOperatorContext,
  readApiEndpoint,
  resolveConfigPath,
  stopOnSignals,
} from '@peg/runtime';
import { signerPolicyFile } from '@peg/wire';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSignerApi } from './api-server.ts';
import { SIGNER_ENV_PREFIX, SignerConfigSchema } from './config.ts';
import { initSigner } from './init.ts';
import { type CompiledPolicy, compilePolicy } from './policy/engine.ts';
import { SignerNode } from './signer-node.ts';

const VERSION = '0.1.0';

const intArg = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}`);
  return n;
};

/** The configuration file, validated (a `ConfigError` exits 2: see main.ts). */
/** The operator's policy file, validated (a bad file stops the start with every problem named). */
async function loadPolicy(path: string | undefined): Promise<CompiledPolicy> {
  if (path === undefined) return compilePolicy(signerPolicyFile.parse({ version: 1 }));
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`policy file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = signerPolicyFile.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `policy file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return compilePolicy(parsed.data);
}

const loadConfig = (path: string) =>
  loadConfigFile(SignerConfigSchema, { path, envPrefix: SIGNER_ENV_PREFIX });

/** Calls the running signer's API (operator token from the configured file). */
async function callApi(
  configPath: string,
  method: 'GET' | 'POST',
  route: string,
): Promise<unknown> {
  const config = await loadConfig(configPath);
  const endpoint = await readApiEndpoint(resolveConfigPath(configPath, config.dataDir), 'signer');
  if (endpoint === undefined)
    throw new Error('the signer is not running (no API endpoint recorded in its data folder)');
  const { readFile } = await import('node:fs/promises');
  const token = (
    await readFile(resolveConfigPath(configPath, config.api.tokenFile), 'utf8')
  ).trim();
  const r = await fetch(new URL(route, endpoint), {
    method,
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${route} answered ${r.status}: ${JSON.stringify(body)}`);
  return body;
}

export function signerProgram(): Command {
  const program = new Command('peg-signer')
    .description('The signer process of a peg federation operator')
    .version(VERSION)
    // Set before the commands are added, which inherit both.
    .exitOverride(exitOnUsage)
    .showHelpAfterError('(add --help for usage)');

  program
    .command('init')
    .description('create keys, an encrypted keystore, an API token and signer.json in <dir>')
    .requiredOption('--dir <dir>', 'directory to create them in')
    .addOption(
      new Option('--network <network>', 'Bitcoin network')
        .choices(['bitcoin', 'testnet', 'regtest'])
        .default('regtest'),
    )
    .requiredOption('--relay-url <url>', 'the relay, e.g. http://127.0.0.1:9776')
    .option('--federation <name>', 'federation name the relay serves', 'devnet')
    .requiredOption('--bitcoin-rpc-url <url>', 'Bitcoin Core JSON-RPC URL')
    .option('--bitcoin-rpc-user <user>', 'Bitcoin RPC user')
    .option('--bitcoin-rpc-password-file <file>', 'file holding the Bitcoin RPC password')
    .requiredOption('--stacks-node-url <url>', 'Stacks node RPC URL')
    .option('--stacks-api-url <url>', 'Stacks API URL (default: the node URL)')
    .addOption(
      new Option('--stacks-network <network>', 'Stacks network')
        .choices(['mainnet', 'testnet', 'devnet'])
        .default('devnet'),
    )
    .requiredOption('--contracts-address <address>', 'deployer of the registry contracts')
    .option(
      '--api-port <port>',
      'Signer API port (0: any free one)',
      intArg('--api-port', 0, 65535),
      0,
    )
    .addOption(
      new Option('--scrypt-log2n <n>').argParser(intArg('--scrypt-log2n', 10, 22)).hideHelp(),
    )
    .action(async (o) => {
      const password = await keystorePassword();
      const r = await initSigner(
        {
          dir: o.dir,
          network: o.network,
          relayUrl: o.relayUrl,
          federation: o.federation,
          bitcoinRpcUrl: o.bitcoinRpcUrl,
          bitcoinRpcUser: o.bitcoinRpcUser,
          bitcoinRpcPasswordFile: o.bitcoinRpcPasswordFile,
          stacksNodeUrl: o.stacksNodeUrl,
          stacksApiUrl: o.stacksApiUrl,
          stacksNetwork: o.stacksNetwork,
          contractsAddress: o.contractsAddress,
          apiPort: o.apiPort,
          scryptLog2N: o.scryptLog2n,
        },
        password,
      );
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    });

  program
    .command('start')
    .description('run the signer: register, announce, then sign')
    .requiredOption('--config <file>', 'signer.json')
    .action(async (o) => {
      const config = await loadConfig(o.config);
      const password = await keystorePassword();
      const logger = createLogger({ name: 'peg-signer', level: config.log.level });
      const ctx = await openOperatorContext(config, { configPath: o.config, password, logger });
      const policy = await loadPolicy(
        config.policyFile && resolveConfigPath(o.config, config.policyFile),
      );
      const node = new SignerNode({ ctx, logger, password, policy });
      const api = await startSignerApi(node, logger);
      stopOnSignals(async () => {
        logger.info('stopping');
        await api.close();
        await node.stop();
      });
      await node.start();
    });

  program
    .command('status')
    .description("print the running signer's status (Signer API /v1/status)")
    .requiredOption('--config <file>', 'signer.json')
    .action(async (o) => {
      process.stdout.write(
        `${JSON.stringify(await callApi(o.config, 'GET', '/v1/status'), null, 2)}\n`,
      );
    });

  program
    .command('rotate-messaging-key')
    .description('replace the messaging key and announce it (the old one is refused afterwards)')
    .requiredOption('--config <file>', 'signer.json')
    .action(async (o) => {
      const config = await loadConfig(o.config);
      const endpoint = await readApiEndpoint(resolveConfigPath(o.config, config.dataDir), 'signer');
      if (endpoint !== undefined) {
        const r = await callApi(o.config, 'POST', '/v1/messaging-key/rotate');
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      // Not running: rotate in the keystore; the next start announces the new key.
      const password = await keystorePassword();
      const ks = await Keystore.rotateIdentity(
        resolveConfigPath(o.config, config.keystore),
        password,
      );
      process.stdout.write(
        `${JSON.stringify({ messagingKey: ks.publicInfo().identityKey, announced: false }, null, 2)}\n`,
      );
      ks.wipe();
    });

  return program;
}
