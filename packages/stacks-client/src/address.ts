import { getAddressFromPublicKey } from '@stacks/transactions';
import type { NetworkName } from './transactions.ts';

/**
 * The single-sig (P2PKH) Stacks address of a compressed public key: the account an operator's
 * Stacks key sends from (`register-signer-key`), SP… on mainnet, ST… on testnet and devnet.
 */
export function stacksAddressOf(publicKey: string, network: NetworkName): string {
  const k = publicKey.replace(/^0x/, '').toLowerCase();
  if (!/^0[23][0-9a-f]{64}$/.test(k))
    throw new TypeError('"publicKey" expected a 33-byte compressed public key');
  return getAddressFromPublicKey(k, network === 'devnet' ? 'testnet' : network);
}
