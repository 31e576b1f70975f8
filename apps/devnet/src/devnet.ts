import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestPath as contractsManifest } from '@peg/contracts';
import { hex } from '@scure/base';
import { getSDK } from '@stacks/clarinet-sdk';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { Ledger } from './bitcoin/ledger.ts';
import { buildBitcoinRpc } from './bitcoin/server.ts';
import { Chains } from './chains.ts';
import { Journal } from './journal.ts';
import { stageProject } from './project.ts';
import { buildStacksApi } from './stacks/api.ts';
import { quietAsync } from './stacks/quiet.ts';

export type DevnetOptions = {
  /** Stacks API port; 0 picks a free one (default 0). */
  stacksPort?: number;
  /** Bitcoin RPC port; 0 picks a free one (default 0). */
  bitcoinPort?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Data folder (state kept across restarts); absent: in memory. */
  dataDir?: string;
  /** Milliseconds between blocks; 0 mines only on demand (default 0). */
  blockIntervalMs?: number;
  rpcUser?: string;
  rpcPassword?: string;
  /** Clarinet manifest of the contracts to deploy (default: @peg/contracts). */
  manifestPath?: string;
  /** Fee rate estimatesmartfee answers, in sat/vB (default 2). */
  feeRate?: number;
  /** pino logger; default silent. */
  logger?: Logger;
};

export type Devnet = {
  /** Base URL of the Stacks node / API (e.g. http://127.0.0.1:20443). */
  stacksUrl: string;
  /** Bitcoin RPC URL and credentials. */
  bitcoin: { url: string; user: string; password: string };
  /** Direct access to both chains (tests, tools). */
  chains: Chains;
  /** The simnet deployer (holds the contracts, the signer principal before the first rotation). */
  deployer: string;
  /** Mines `blocks` ticks now (each: one Bitcoin block + the Stacks mempool). */
  mine(blocks?: number): void;
  stop(): Promise<void>;
};

function assertPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`${name} must be a port number (0..65535), got ${port}`);
}

/** Starts both chains and their HTTP servers. Stops with `stop()` (also on the CLI's signals). */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const stacksPort = options.stacksPort ?? 0;
  const bitcoinPort = options.bitcoinPort ?? 0;
  const host = options.host ?? '127.0.0.1';
  const interval = options.blockIntervalMs ?? 0;
  const rpcUser = options.rpcUser ?? 'devnet';
  const rpcPassword = options.rpcPassword ?? 'devnet';
  const feeRate = options.feeRate ?? 2;
  assertPort('stacksPort', stacksPort);
  assertPort('bitcoinPort', bitcoinPort);
  if (!Number.isInteger(interval) || interval < 0)
    throw new RangeError(`blockIntervalMs must be an integer >= 0, got ${interval}`);
  if (!(feeRate > 0)) throw new RangeError(`feeRate must be > 0, got ${feeRate}`);
  if (rpcUser === '' || rpcPassword === '')
    throw new RangeError('rpcUser and rpcPassword must not be empty');
  const log = options.logger ?? pino({ level: 'silent' });

  // The simnet writes a plan and a cache next to its manifest: give it its own folder.
  const scratch =
    options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'peg-devnet-')) : undefined;
  const workDir = options.dataDir === undefined ? scratch! : join(options.dataDir, 'clarinet');
  if (options.dataDir !== undefined) mkdirSync(workDir, { recursive: true });
  const { manifest, sourcesHash } = stageProject(
    options.manifestPath ?? contractsManifest,
    workDir,
  );
  const journal =
    options.dataDir === undefined ? undefined : new Journal(join(options.dataDir, 'journal.jsonl'));
  const history = journal?.open(sourcesHash) ?? [];

  // A fresh SDK instance of our own: `initSimnet` hands every caller one memoized instance and
  // re-initializes it, so another devnet (or any simnet user) in the process would reset ours.
  const simnet = await quietAsync(async () => {
    const sdk = await getSDK();
    await sdk.initSession(process.cwd(), manifest, null);
    return sdk;
  });
  const chains = new Chains(simnet, {
    feeRate,
    onBlock: (block, stacksHeight) =>
      log.debug(
        { bitcoinHeight: block.height, hash: block.hash, txs: block.txids.length, stacksHeight },
        'block',
      ),
  });
  if (history.length > 0) {
    chains.replay(history);
    log.info(
      { operations: history.length, bitcoinHeight: chains.ledger.height },
      'state restored from journal',
    );
  }
  if (journal) {
    // From here on every state change is appended before it is acknowledged.
    chains.journalTo((op) => journal.append(op));
  }

  const stacksApp: FastifyInstance = buildStacksApi({ node: chains, logger: false });
  const bitcoinApp: FastifyInstance = buildBitcoinRpc({
    node: chains,
    rpcUser,
    rpcPassword,
    logger: false,
  });
  const closeAll = async () => {
    await Promise.allSettled([stacksApp.close(), bitcoinApp.close()]);
  };
  let stacksAddress: string;
  let bitcoinAddress: string;
  try {
    stacksAddress = await stacksApp.listen({ port: stacksPort, host });
    bitcoinAddress = await bitcoinApp.listen({ port: bitcoinPort, host });
  } catch (err) {
    await closeAll();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw err;
  }

  const faucetScript = hex.decode(Ledger.faucetScriptHex);
  let timer: NodeJS.Timeout | undefined;
  if (interval > 0) {
    timer = setInterval(() => {
      try {
        chains.tick(faucetScript);
      } catch (err) {
        if (chains.halted !== null) {
          // Nothing more can be acknowledged: stop mining and say so once.
          clearInterval(timer);
          log.fatal({ err }, 'devnet halted: restart it to recover from its journal');
        } else log.error({ err }, 'mining failed');
      }
    }, interval);
  }
  log.info(
    {
      stacks: stacksAddress,
      bitcoin: bitcoinAddress,
      dataDir: options.dataDir ?? null,
      blockIntervalMs: interval,
    },
    'devnet started',
  );

  let stopped = false;
  return {
    stacksUrl: stacksAddress,
    bitcoin: { url: bitcoinAddress, user: rpcUser, password: rpcPassword },
    chains,
    deployer: simnet.deployer,
    mine: (blocks = 1) => chains.mine(blocks),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await closeAll();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      log.info('devnet stopped');
    },
  };
}
