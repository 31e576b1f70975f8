import { type ClarityValue, serializeCV } from '@stacks/transactions';
import { z } from 'zod';
import { decodeHex } from './clarity.ts';
import { ReadOnlyCallError, ResponseShapeError, TransactionRejectedError } from './errors.ts';
import { expectOk, type FetchFn, joinUrl, parseBody, requestJson, send } from './http.ts';
import type { ChainTip } from './types.ts';

// Stacks node RPC endpoints (`/v2/...`), the paths @stacks/transactions uses.
export const INFO_PATH = '/v2/info';
export const READ_ONLY_PATH = '/v2/contracts/call-read';
export const DATA_VAR_PATH = '/v2/data_var';
export const ACCOUNTS_PATH = '/v2/accounts';
export const BROADCAST_PATH = '/v2/transactions';

const infoSchema = z.looseObject({
  burn_block_height: z.number().int().nonnegative(),
  stable_burn_block_height: z.number().int().nonnegative(),
  stacks_tip_height: z.number().int().nonnegative(),
  stacks_tip: z.string(),
  network_id: z.number().int(),
});

/** `GET /v2/info`: Stacks and burn chain tips. */
export async function getChainTip(fetchFn: FetchFn, nodeUrl: string): Promise<ChainTip> {
  const info = await requestJson(fetchFn, joinUrl(nodeUrl, INFO_PATH), infoSchema);
  return {
    stacksHeight: info.stacks_tip_height,
    stacksTip: info.stacks_tip.replace(/^0x/, ''),
    burnHeight: info.burn_block_height,
    stableBurnHeight: info.stable_burn_block_height,
    networkId: info.network_id,
  };
}

const readOnlySchema = z.union([
  z.looseObject({ okay: z.literal(true), result: z.string() }),
  z.looseObject({ okay: z.literal(false), cause: z.string() }),
]);

/** `POST /v2/contracts/call-read/{address}/{contract}/{function}`: evaluates a read-only function. */
export async function callReadOnly(
  fetchFn: FetchFn,
  nodeUrl: string,
  call: {
    contractAddress: string;
    contractName: string;
    functionName: string;
    args: ClarityValue[];
    sender: string;
  },
): Promise<ClarityValue> {
  const url = joinUrl(
    nodeUrl,
    `${READ_ONLY_PATH}/${call.contractAddress}/${call.contractName}/${encodeURIComponent(call.functionName)}`,
  );
  const reply = await requestJson(fetchFn, url, readOnlySchema, {
    json: { sender: call.sender, arguments: call.args.map((a) => `0x${serializeCV(a)}`) },
  });
  if (!reply.okay) throw new ReadOnlyCallError(reply.cause, { url, status: 200, body: reply });
  return decodeHex(reply.result, `${call.contractName}.${call.functionName}`);
}

const dataVarSchema = z.looseObject({ data: z.string() });

/** `GET /v2/data_var/{address}/{contract}/{var}?proof=0`: a contract's data variable. */
export async function getDataVar(
  fetchFn: FetchFn,
  nodeUrl: string,
  v: { contractAddress: string; contractName: string; name: string },
): Promise<ClarityValue> {
  const url = joinUrl(
    nodeUrl,
    `${DATA_VAR_PATH}/${v.contractAddress}/${v.contractName}/${v.name}?proof=0`,
  );
  const reply = await requestJson(fetchFn, url, dataVarSchema);
  return decodeHex(reply.data, `${v.contractName}.${v.name}`);
}

const accountSchema = z.looseObject({ balance: z.string(), nonce: z.number().int().nonnegative() });

/** `GET /v2/accounts/{principal}?proof=0`: the node's view of an account (STX balance, next nonce). */
export async function getAccount(
  fetchFn: FetchFn,
  nodeUrl: string,
  principal: string,
): Promise<{ balance: bigint; nonce: bigint }> {
  const url = joinUrl(nodeUrl, `${ACCOUNTS_PATH}/${principal}?proof=0`);
  const reply = await requestJson(fetchFn, url, accountSchema);
  let balance: bigint;
  try {
    balance = BigInt(reply.balance);
  } catch {
    throw new ResponseShapeError(`unexpected response shape from ${url}`, {
      url,
      status: 200,
      body: reply,
      details: 'balance: not an integer',
    });
  }
  return { balance, nonce: BigInt(reply.nonce) };
}

const rejectionSchema = z.looseObject({
  error: z.string(),
  reason: z.string().optional(),
  reason_data: z.unknown().optional(),
  txid: z.string().optional(),
});

/**
 * `POST /v2/transactions` with `{ tx: hex }` (as @stacks/transactions 7 sends it). Returns the
 * txid; a refusal throws TransactionRejectedError with the node's reason, other failures HttpError.
 */
export async function broadcastTransaction(
  fetchFn: FetchFn,
  nodeUrl: string,
  txHex: string,
): Promise<string> {
  const url = joinUrl(nodeUrl, BROADCAST_PATH);
  const result = await send(fetchFn, url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ tx: txHex.replace(/^0x/, '') }),
  });
  if (!result.ok) {
    const rejection = rejectionSchema.safeParse(result.body);
    if (rejection.success) {
      const r = rejection.data;
      throw new TransactionRejectedError(r.reason ?? r.error, r.reason_data, r.txid, {
        url,
        status: result.status,
        body: result.body,
        details: r.error,
      });
    }
    expectOk(result, url);
  }
  const txid = parseBody(
    z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/),
    result.body,
    url,
    result.status,
  );
  return txid.replace(/^0x/, '').toLowerCase();
}
