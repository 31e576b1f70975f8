import { createHash } from 'node:crypto';
import { initSimnet, type Simnet } from '@stacks/clarinet-sdk';
import {
  Cl,
  type ClarityValue,
  privateKeyToPublic,
  publicKeyToAddress,
} from '@stacks/transactions';
import { vi } from 'vitest';
import { CONTRACT_NAMES, manifestPath } from '../src/index.ts';

export const { registry: REGISTRY, token: TOKEN, withdrawal: WITHDRAWAL } = CONTRACT_NAMES;

/** The SDK echoes every Clarity `print` through console.log; keep test output readable. */
export function silencePrintEcho(): void {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
}

export async function freshSimnet(): Promise<Simnet> {
  // A second initSimnet in one process resets the chain state (about 30 ms).
  return initSimnet(manifestPath);
}

export type Accounts = {
  deployer: string;
  wallet1: string;
  wallet2: string;
  wallet3: string;
};

export function accounts(simnet: Simnet): Accounts {
  const map = simnet.getAccounts();
  const get = (name: string): string => {
    const address = map.get(name);
    if (!address) throw new Error(`no simnet account ${name}`);
    return address;
  };
  return {
    deployer: get('deployer'),
    wallet1: get('wallet_1'),
    wallet2: get('wallet_2'),
    wallet3: get('wallet_3'),
  };
}

/** A deterministic compressed secp256k1 key pair for test signer `label`. */
export function testKey(label: string): { privateKey: string; publicKey: string } {
  const privateKey = `${createHash('sha256').update(label).digest('hex')}01`;
  return { privateKey, publicKey: privateKeyToPublic(privateKey) as string };
}

/** A compressed point that is a valid encoding (it is the public key of `label`). */
export function aggregateKey(label: string): string {
  return testKey(`aggregate:${label}`).publicKey;
}

export function call(
  simnet: Simnet,
  contract: string,
  fn: string,
  args: ClarityValue[],
  sender: string,
): ReturnType<Simnet['callPublicFn']> {
  return simnet.callPublicFn(contract, fn, args, sender);
}

export function read(
  simnet: Simnet,
  contract: string,
  fn: string,
  args: ClarityValue[],
): ClarityValue {
  return simnet.callReadOnlyFn(contract, fn, args, simnet.deployer).result;
}

export const errCode = (code: number): ClarityValue => Cl.error(Cl.uint(code));

export function recipientCV(version: number, hashbytesHex: string): ClarityValue {
  return Cl.tuple({
    version: Cl.bufferFromHex(version.toString(16).padStart(2, '0')),
    hashbytes: Cl.bufferFromHex(hashbytesHex),
  });
}

/** A P2WPKH recipient (version 4, 20 bytes). */
export const P2WPKH_RECIPIENT = recipientCV(4, '11'.repeat(20));
/** A P2TR recipient (version 6, 32 bytes). */
export const P2TR_RECIPIENT = recipientCV(6, '22'.repeat(32));

/** Print events of a receipt, as plain values. */
export function printEvents(
  events: ReadonlyArray<{ event: string; data: { value?: ClarityValue } }>,
): ClarityValue[] {
  return events
    .filter((e) => e.event === 'print_event')
    .flatMap((e) => (e.data.value ? [e.data.value] : []));
}

export type SignerFixture = { address: string; privateKey: string; publicKey: string };

/**
 * Admits `n` signers with weight 1 (as the deployer) and has each register its key from its
 * own account. Signer accounts are derived from their keys, like on a real chain.
 */
export function registerSigners(simnet: Simnet, n: number, label = 'signer'): SignerFixture[] {
  const { deployer } = accounts(simnet);
  const signers: SignerFixture[] = [];
  for (let i = 0; i < n; i++) {
    const key = testKey(`${label}-${i}`);
    const address = addressOf(key.publicKey);
    const admit = call(
      simnet,
      REGISTRY,
      'set-signer-weight',
      [Cl.principal(address), Cl.uint(1)],
      deployer,
    );
    if (admit.result.type !== 'ok') throw new Error(`admit ${i}: ${Cl.prettyPrint(admit.result)}`);
    const reg = call(
      simnet,
      REGISTRY,
      'register-signer-key',
      [Cl.bufferFromHex(key.publicKey)],
      address,
    );
    if (reg.result.type !== 'ok') throw new Error(`register ${i}: ${Cl.prettyPrint(reg.result)}`);
    signers.push({ address, ...key });
  }
  return signers;
}

/** Rotates to `signers` with `threshold` and returns the new signer principal. */
export function rotate(
  simnet: Simnet,
  sender: string,
  keys: readonly string[],
  aggregate: string,
  threshold: number,
): ClarityValue {
  return call(
    simnet,
    REGISTRY,
    'rotate-keys',
    [
      Cl.list(keys.map((k) => Cl.bufferFromHex(k))),
      Cl.bufferFromHex(aggregate),
      Cl.uint(threshold),
    ],
    sender,
  ).result;
}

export function signerPrincipal(simnet: Simnet): string {
  const cv = read(simnet, REGISTRY, 'get-current-signer-principal', []);
  if (cv.type !== 'address' && cv.type !== 'contract') throw new Error('not a principal');
  return cv.value;
}

/** The simnet's header hash of a past burn block. */
export function burnHeader(simnet: Simnet, height: number): string {
  const cv = read(simnet, WITHDRAWAL, 'get-burn-header', [Cl.uint(height)]);
  if (cv.type !== 'some' || cv.value.type !== 'buffer')
    throw new Error(`no burn header at ${height}`);
  return cv.value.value;
}

/** The testnet single-sig account of a public key. */
export function addressOf(publicKey: string): string {
  return publicKeyToAddress(publicKey, 'testnet');
}

export function mint(simnet: Simnet, amount: bigint, recipient: string): void {
  const r = call(
    simnet,
    TOKEN,
    'protocol-mint',
    [Cl.uint(amount), Cl.principal(recipient)],
    simnet.deployer,
  );
  if (r.result.type !== 'ok') throw new Error(`mint: ${Cl.prettyPrint(r.result)}`);
}

export function balances(simnet: Simnet, who: string): { available: bigint; locked: bigint } {
  const get = (fn: string): bigint => {
    const cv = read(simnet, TOKEN, fn, [Cl.principal(who)]);
    if (cv.type !== 'ok' || cv.value.type !== 'uint') throw new Error(`${fn} failed`);
    return BigInt(cv.value.value);
  };
  return { available: get('get-balance-available'), locked: get('get-balance-locked') };
}
