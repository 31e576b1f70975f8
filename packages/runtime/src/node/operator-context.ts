/**
 * What both processes of an operator open at start-up, in an order that writes nothing until
 * everything answered: the keystore (a wrong password or a tampered file stops here), then the
 * Bitcoin node, the Stacks node and the relay, each checked once. A failure is a
 * `StartupError` naming what failed and where; the process exits non-zero with it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { type BitcoinRpc, createBitcoinRpc } from '@peg/bitcoin';
import { createStacksClient, type StacksClient, stacksAddressOf } from '@peg/stacks-client';
import type { z } from 'zod';
import { resolveConfigPath } from '../config/resolve-config-path.ts';
import { Keystore, type KeystorePublicInfo } from '../keystore/keystore.ts';
import { RelayClient } from '../relay/relay-client.ts';
import type { HostLogger } from './machine-host.ts';
import type { ProcessConfigShape } from './process-config.ts';

/** The shared part of a validated process configuration. */
export type ProcessConfig = {
  [K in keyof typeof ProcessConfigShape]: z.output<(typeof ProcessConfigShape)[K]>;
};

/** A start-up failure: what (`keystore`, `bitcoin`, `stacks`, `relay`, `config`) and why. */
export class StartupError extends Error {
  readonly what: string;
  constructor(what: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
    this.what = what;
  }
}

export type OperatorContext = {
  config: ProcessConfig;
  /** The configuration file (relative paths resolve against its directory). */
  configPath: string;
  keystore: Keystore;
  info: KeystorePublicInfo;
  /** The operator's Stacks account (single-sig address of its Stacks key). */
  stacksAddress: string;
  stacks: StacksClient;
  bitcoin: BitcoinRpc;
  /** A relay client for member `member`, authenticated with `secretKey`. */
  relay(member: string, secretKey: Uint8Array): RelayClient;
  /** A path from the configuration, resolved. */
  path(p: string): string;
};

/** A URL as it may be shown: without user and password. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * What lies below an error's message: the system error code (`ECONNREFUSED` under fetch's
 * "fetch failed") or else the innermost cause's message (fetch's "bad port"), if any.
 */
function rootCauseOf(err: unknown): string | undefined {
  let inner: Error | undefined;
  for (let e = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    inner = e;
  }
  return inner !== undefined && inner !== err ? inner.message : undefined;
}

async function check<T>(
  what: 'bitcoin' | 'stacks' | 'relay',
  label: string,
  url: string,
  f: () => Promise<T>,
): Promise<T> {
  try {
    return await f();
  } catch (err) {
    // One line: some clients word their errors over several (`url: ...`, `details: ...`).
    const why = (err instanceof Error ? err.message : String(err))
      .trim()
      .replace(/\s*\n\s*/g, '; ');
    const root = rootCauseOf(err);
    throw new StartupError(
      what,
      `${label} at ${shown(url)} is not reachable: ${why}${root && !why.includes(root) ? ` (${root})` : ''}`,
      { cause: err },
    );
  }
}

/** Opens the keystore and the chain and relay clients, and checks that each one answers. */
export async function openOperatorContext(
  config: ProcessConfig,
  opts: { configPath: string; password: Uint8Array; logger: HostLogger; checkRelay?: boolean },
): Promise<OperatorContext> {
  const path = (p: string) => resolveConfigPath(opts.configPath, p);
  const keystorePath = path(config.keystore);
  let keystore: Keystore;
  try {
    keystore = await Keystore.open(keystorePath, opts.password);
  } catch (err) {
    const why = (err as Error).message;
    const message = why.includes(keystorePath) ? why : `${keystorePath}: ${why}`;
    throw new StartupError('keystore', message, { cause: err });
  }
  const info = keystore.publicInfo();
  let rpcPassword: string | undefined;
  if (config.bitcoin.rpcPasswordFile !== undefined) {
    const file = path(config.bitcoin.rpcPasswordFile);
    try {
      rpcPassword = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new StartupError('bitcoin', `cannot read bitcoin.rpcPasswordFile ${file} (${code})`);
    }
  }
  const bitcoin = createBitcoinRpc({
    url: config.bitcoin.rpcUrl,
    ...(config.bitcoin.rpcUser !== undefined ? { user: config.bitcoin.rpcUser } : {}),
    ...(rpcPassword !== undefined ? { password: rpcPassword } : {}),
    timeoutMs: 10_000,
  });
  let stacks: StacksClient;
  try {
    stacks = createStacksClient({
      nodeUrl: config.stacks.nodeUrl,
      ...(config.stacks.apiUrl ? { apiUrl: config.stacks.apiUrl } : {}),
      network: config.stacks.network,
      contracts: { address: config.stacks.contractsAddress },
    });
  } catch (err) {
    throw new StartupError('config', (err as Error).message, { cause: err });
  }
  await check('bitcoin', 'the Bitcoin node', config.bitcoin.rpcUrl, () =>
    bitcoin.getBestBlockHash(),
  );
  await check('stacks', 'the Stacks node', config.stacks.nodeUrl, () => stacks.getChainTip());
  if (opts.checkRelay !== false) {
    await check('relay', 'the relay', config.relay.url, async () => {
      const r = await fetch(new URL('/healthz', config.relay.url), {
        signal: AbortSignal.timeout(10_000),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    });
  }
  // Only now, with everything answering, is anything written: the data folder.
  await mkdir(path(config.dataDir), { recursive: true, mode: 0o700 });
  opts.logger.info(
    { identityKey: info.identityKey, stacksPublicKey: info.stacksPublicKey },
    'keystore opened; Bitcoin node, Stacks node and relay answer',
  );
  return {
    config,
    configPath: opts.configPath,
    keystore,
    info,
    stacksAddress: stacksAddressOf(info.stacksPublicKey, config.stacks.network),
    stacks,
    bitcoin,
    relay: (member, secretKey) =>
      new RelayClient({
        url: config.relay.url,
        federation: config.relay.federation,
        party: member,
        secretKey,
      }),
    path,
  };
}
