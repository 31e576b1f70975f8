/**
 * `peg-signer init`: a new operator's keys, keystore and configuration in one directory. The
 * keystore gets fresh keys (messaging, Stacks, state) under the password from the environment;
 * the API token is random; `signer.json` holds what the flags gave and the defaults. Refuses to
 * touch an existing keystore or configuration.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, Keystore, writeFileAtomic } from '@peg/runtime';
import { stacksAddressOf } from '@peg/stacks-client';
import { type SignerConfig, SignerConfigSchema } from './config.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

export type InitOptions = {
  dir: string;
  network: SignerConfig['network'];
  relayUrl: string;
  federation: string;
  bitcoinRpcUrl: string;
  bitcoinRpcUser?: string;
  bitcoinRpcPasswordFile?: string;
  stacksNodeUrl: string;
  stacksApiUrl?: string;
  stacksNetwork: SignerConfig['stacks']['network'];
  contractsAddress: string;
  apiPort: number;
  /** scrypt cost of the keystore (tests use a cheap one). */
  scryptLog2N?: number;
};

export type InitResult = {
  config: string;
  keystore: string;
  stacksAddress: string;
  stacksPublicKey: string;
  messagingKey: string;
};

/** The flag that gave each configuration key, to name it when its value is refused. */
const FLAG_OF: Record<string, string> = {
  network: '--network',
  'relay.url': '--relay-url',
  'relay.federation': '--federation',
  'bitcoin.rpcUrl': '--bitcoin-rpc-url',
  'bitcoin.rpcUser': '--bitcoin-rpc-user',
  'bitcoin.rpcPasswordFile': '--bitcoin-rpc-password-file',
  'stacks.nodeUrl': '--stacks-node-url',
  'stacks.apiUrl': '--stacks-api-url',
  'stacks.network': '--stacks-network',
  'stacks.contractsAddress': '--contracts-address',
  'api.port': '--api-port',
};

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );

export async function initSigner(o: InitOptions, password: Uint8Array): Promise<InitResult> {
  const dir = resolve(o.dir);
  // Everything is checked before anything is written: the flags, then that no file is there.
  const parsed = SignerConfigSchema.safeParse({
    network: o.network,
    keystore: 'keystore.peg',
    dataDir: 'data',
    relay: { url: o.relayUrl, federation: o.federation },
    bitcoin: {
      rpcUrl: o.bitcoinRpcUrl,
      ...(o.bitcoinRpcUser ? { rpcUser: o.bitcoinRpcUser } : {}),
      ...(o.bitcoinRpcPasswordFile ? { rpcPasswordFile: resolve(o.bitcoinRpcPasswordFile) } : {}),
    },
    stacks: {
      nodeUrl: o.stacksNodeUrl,
      ...(o.stacksApiUrl ? { apiUrl: o.stacksApiUrl } : {}),
      network: o.stacksNetwork,
      contractsAddress: o.contractsAddress,
    },
    api: { host: '127.0.0.1', port: o.apiPort, tokenFile: 'api-token' },
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      return `${FLAG_OF[key] ?? key}: ${i.message}`;
    });
    throw new ConfigError('invalid', 'init', lines.join('\n'));
  }
  const config: SignerConfig = parsed.data;
  const configPath = join(dir, 'signer.json');
  const keystorePath = join(dir, config.keystore);
  const tokenPath = join(dir, config.api.tokenFile);
  for (const path of [keystorePath, tokenPath, configPath])
    if (await exists(path)) throw new Error(`${path} already exists; refusing to replace it`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The keystore first; each write also refuses an existing file (another init racing this one).
  const ks = await Keystore.create(keystorePath, password, {
    ...(o.scryptLog2N !== undefined ? { scrypt: { log2N: o.scryptLog2N, r: 8, p: 1 } } : {}),
  });
  await writeFileAtomic(tokenPath, utf8(`${randomBytes(32).toString('hex')}\n`), {
    mode: 0o600,
    exclusive: true,
  });
  await writeFileAtomic(configPath, utf8(`${JSON.stringify(config, null, 2)}\n`), {
    mode: 0o600,
    exclusive: true,
  });
  await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
  const info = ks.publicInfo();
  ks.wipe();
  return {
    config: configPath,
    keystore: keystorePath,
    stacksAddress: stacksAddressOf(info.stacksPublicKey, o.stacksNetwork),
    stacksPublicKey: info.stacksPublicKey,
    messagingKey: info.identityKey,
  };
}
