// Peg-out scenery for the process tests: fund the wallet and the signer principal, give the
// requesters sBTC, make withdrawal requests, and read back what the chains say was paid.
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  createBitcoinRpc,
  REGTEST_NETWORK,
  recipientFromAddress,
} from '@peg/bitcoin';
import { taprootAddress } from '@peg/protocol';
import { type SeenSweep, SweepScanner, sendContractCall } from '@peg/runtime';
import { initiateWithdrawalCall } from '@peg/stacks-client';
import { taprootOutputKey } from '@peg/wire';
import { Cl, cvToValue } from '@stacks/transactions';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { DEPLOYER_KEY, eventually, type Federation } from './federation.ts';

bitcoin.initEccLib(ecc);

/** Public devnet accounts (docs/chains.md, "Devnet accounts"): the requesters. */
export const REQUESTERS = [
  {
    address: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
    key: '7287ba251d44a4d3fd9276c88ce34c5c52a038955511cccaf77e61068649c178',
  },
  {
    address: 'ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG',
    key: '530d9f61984c888536871c6573073bdfc0058896dc1adfe9a6a10dfacadc2091',
  },
  {
    address: 'ST2JHG361ZXG51QTKY2NQCVBPPRRE2KZB1HR05NNC',
    key: 'd655b2523bcd65e34889725c73064feb17ceb796831c0e111ba1a552b0f31b39',
  },
] as const;

/** A regtest P2WPKH address made by bitcoinjs-lib (not by our code), one per `n`. */
export const recipientAddress = (n: number): string =>
  bitcoin.payments.p2wpkh({ hash: Buffer.alloc(20, n), network: bitcoin.networks.regtest })
    .address!;

/** Calls a devnet Bitcoin RPC method over raw HTTP (an outside client). */
export async function bitcoinCall(fed: Federation, method: string, params: unknown[]) {
  const r = await fetch(fed.devnet.bitcoin.url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${fed.devnet.bitcoin.user}:${fed.devnet.bitcoin.password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
  });
  const body = (await r.json()) as { result: unknown; error: unknown };
  if (body.error !== null) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

export type PegOutScene = {
  rpc: BitcoinRpc;
  /** The wallet's x-only output key and its address. */
  outputKey: Uint8Array;
  wallet: string;
};

/**
 * Once the key is published: the signer principal gets STX for the completions' fees, the wallet
 * `btc` BTC (one UTXO per entry), every requester `sbtc` sats of sBTC (minted by the deployer in
 * place of a deposit).
 */
export async function preparePegOuts(
  fed: Federation,
  aggregatePubkey: string,
  signerPrincipal: string,
  o: { btc?: number[]; sbtc?: bigint } = {},
): Promise<PegOutScene> {
  const outputKey = taprootOutputKey(hexToBytes(aggregatePubkey))!;
  const wallet = taprootAddress(Buffer.from(outputKey).toString('hex'), 'regtest');
  const rpc = createBitcoinRpc(fed.devnet.bitcoin);
  const faucet = await fetch(
    `${fed.devnet.stacksUrl}/extended/v1/faucets/stx?address=${signerPrincipal}&amount=100000000`,
    { method: 'POST' },
  );
  if (!faucet.ok) throw new Error(`faucet: ${faucet.status}`);
  for (const btc of o.btc ?? [1]) await bitcoinCall(fed, 'sendtoaddress', [wallet, btc]);
  for (const r of REQUESTERS)
    await sendContractCall(
      fed.stacks,
      {
        contract: 'token',
        functionName: 'protocol-mint',
        functionArgs: [Cl.uint(o.sbtc ?? 10_000_000n), Cl.principal(r.address)],
      },
      { senderKey: hexToBytes(DEPLOYER_KEY), network: 'devnet', pollMs: 100 },
    );
  fed.devnet.mine(1);
  return { rpc, outputKey, wallet };
}

/** An account's sBTC (available + locked), sats. */
export async function sbtcBalance(fed: Federation, principal: string): Promise<bigint> {
  const cv = await fed.stacks.callReadOnly('token', 'get-balance', [Cl.principal(principal)]);
  return BigInt((cvToValue(cv) as { value: string }).value);
}

/**
 * Withdrawal requests landed in one Stacks block (one burn height), one per requester at most
 * (each requester's next nonce); resolves with their ids in order.
 */
export async function requestWithdrawals(
  fed: Federation,
  items: { requester: number; amount: bigint; maxFee: bigint; recipient: string }[],
): Promise<bigint[]> {
  const txids = await fed.withoutBlocks(async () => {
    const sent: string[] = [];
    for (const item of items) {
      const r = REQUESTERS[item.requester]!;
      const rc = recipientFromAddress(item.recipient, REGTEST_NETWORK);
      const spec = initiateWithdrawalCall({
        amount: item.amount,
        recipient: { version: rc.version, hashbytes: Buffer.from(rc.hashbytes).toString('hex') },
        maxFee: item.maxFee,
      });
      const { nonce } = await fed.stacks.getAccount(r.address);
      const tx = await fed.stacks.buildCall(spec, { senderKey: `${r.key}01`, nonce, fee: 10_000n });
      sent.push(await fed.stacks.broadcast(tx));
    }
    return sent;
  });
  const ids: bigint[] = [];
  for (const t of txids) {
    const info = await fed.stacks.waitForTransaction(t, { timeoutMs: 60_000, pollMs: 100 });
    if (info.status !== 'success') throw new Error(`request ${t}: ${info.status}`);
    const id = info.result?.repr.match(/^\(ok u(\d+)\)$/)?.[1];
    if (id === undefined) throw new Error(`request ${t}: result ${info.result?.repr}`);
    ids.push(BigInt(id));
  }
  return ids;
}

/** Waits until every request of `ids` is accepted on Stacks. */
export function waitAccepted(fed: Federation, ids: readonly bigint[], timeoutMs = 240_000) {
  return eventually(
    `requests ${ids.join(', ')} accepted on Stacks`,
    async () => {
      const rs = await Promise.all(ids.map((id) => fed.stacks.getWithdrawalRequest(id)));
      return rs.every((r) => r?.status === 'accepted') ? rs : undefined;
    },
    timeoutMs,
    1_000,
  );
}

/** Every sweep of the wallet on chain (blocks from 0, and the mempool). */
export async function sweepsOnChain(
  scene: PegOutScene,
): Promise<{ confirmed: SeenSweep[]; mempool: SeenSweep[] }> {
  return new SweepScanner(scene.rpc).scan(
    new Set([Buffer.from(scene.outputKey).toString('hex')]),
    0,
  );
}
