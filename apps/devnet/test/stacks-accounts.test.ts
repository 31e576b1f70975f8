import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { manifestPath } from '@peg/contracts';
import { hex } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { getAddressFromPrivateKey } from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import { STX_FAUCET_ADDRESS, STX_FAUCET_GENESIS, STX_FAUCET_KEY } from '../src/stacks/faucet.ts';
import { DEPLOYER_KEY, WALLET_1_KEY } from './stacks-keys.ts';

/**
 * Pins the "Devnet accounts" table of docs/chains.md to the derivation: each account's key is
 * BIP-39 seed -> BIP-32 m/44'/5757'/0'/0/0 of its mnemonic in @peg/contracts' Devnet.toml (the
 * path Clarinet and the Stacks wallets use), compressed (the `01` suffix), address testnet P2PKH.
 */
const STACKS_PATH = "m/44'/5757'/0'/0/0";

type Account = { name: string; address: string; key: string; balance: string };

function settingsAccounts(): Account[] {
  const toml = readFileSync(join(dirname(manifestPath), 'settings', 'Devnet.toml'), 'utf8');
  const blocks = toml.split(/^\[accounts\.([a-z0-9_]+)\]\s*$/m).slice(1);
  const out: Account[] = [];
  for (let i = 0; i < blocks.length; i += 2) {
    const body = blocks[i + 1]!;
    const mnemonic = /^mnemonic\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const balance = /^balance\s*=\s*([\d_]+)/m.exec(body)?.[1]?.replaceAll('_', '');
    if (!mnemonic || !balance) throw new Error(`account ${blocks[i]} lacks a mnemonic or balance`);
    const node = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic)).derive(STACKS_PATH);
    const key = `${hex.encode(node.privateKey!)}01`;
    out.push({ name: blocks[i]!, address: getAddressFromPrivateKey(key, 'testnet'), key, balance });
  }
  return out;
}

/** The rows of the table under "### Devnet accounts" in docs/chains.md. */
function documentedAccounts(): Account[] {
  const doc = readFileSync(new URL('../../../docs/chains.md', import.meta.url), 'utf8');
  const section = doc.split(/^### Devnet accounts$/m)[1]?.split(/^#{2,3} /m)[0];
  if (!section) throw new Error('docs/chains.md has no "### Devnet accounts" section');
  return section
    .split('\n')
    .filter((l) => /^\|\s*`/.test(l))
    .map((l) => {
      const [name, address, key, balance] = l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replaceAll('`', '').replaceAll(',', ''));
      return { name: name!, address: address!, key: key!, balance: balance! };
    });
}

describe('devnet accounts (docs/chains.md)', () => {
  it('documents every Devnet.toml account with its derived address, key and balance', () => {
    const derived = settingsAccounts();
    const documented = documentedAccounts();
    expect(derived.map((a) => a.name)).toEqual(['deployer', 'wallet_1', 'wallet_2', 'wallet_3']);
    for (const account of derived) {
      expect(documented.find((d) => d.name === account.name)).toEqual({
        ...account,
        balance: `${BigInt(account.balance) / 1_000_000n} STX`,
      });
    }
  });

  it('documents the STX faucet account, and the test keys are the same accounts', () => {
    const derived = settingsAccounts();
    const documented = documentedAccounts();
    expect(documented.find((d) => d.name === 'faucet')).toMatchObject({
      address: STX_FAUCET_ADDRESS,
      key: STX_FAUCET_KEY,
      balance: `${STX_FAUCET_GENESIS / 1_000_000n} STX`,
    });
    expect(getAddressFromPrivateKey(STX_FAUCET_KEY, 'testnet')).toBe(STX_FAUCET_ADDRESS);
    expect(derived.find((a) => a.name === 'deployer')?.key).toBe(DEPLOYER_KEY);
    expect(derived.find((a) => a.name === 'wallet_1')?.key).toBe(WALLET_1_KEY);
    expect(documented).toHaveLength(derived.length + 1);
  });
});
