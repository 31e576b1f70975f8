/**
 * The peg wallet of an aggregate key: a P2TR key-path output of its BIP341 (BIP86-style,
 * no script tree) output key, which is what every sweep round signs under.
 */
import { type BtcNetwork, MAINNET_NETWORK, REGTEST_NETWORK, TESTNET_NETWORK } from '@peg/bitcoin';
import { type Network, outputKey, type Tweak, taprootAddress } from '@peg/protocol';

/** The tweak of every wallet spend: key path, no script tree. */
export const WALLET_TWEAK: Tweak = { type: 'taproot', merkleRoot: null };

/** The x-only output key (hex) of the wallet of `groupKey` (33-byte compressed, hex). */
export const walletOutputKey = (groupKey: string): string => outputKey(groupKey, WALLET_TWEAK);

/** The wallet's address on `network` (the address the status APIs show). */
export const walletAddressOf = (groupKey: string, network: Network): string =>
  taprootAddress(walletOutputKey(groupKey), network);

/** @scure/btc-signer address parameters of a configured network (for recipients' addresses). */
export const btcNetworkOf = (name: Network): BtcNetwork =>
  name === 'bitcoin' ? MAINNET_NETWORK : name === 'testnet' ? TESTNET_NETWORK : REGTEST_NETWORK;
