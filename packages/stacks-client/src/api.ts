import { createClient } from '@stacks/blockchain-api-client';
import { z } from 'zod';
import { decodeHex } from './clarity.ts';
import { HttpError, NetworkError, StacksClientError } from './errors.ts';
import { type FetchFn, joinUrl, parseBody } from './http.ts';
import type { AccountNonces, ContractPrintEvent, TransactionInfo, TxStatus } from './types.ts';

// Stacks API (`/extended/...`) endpoints through @stacks/blockchain-api-client (openapi-fetch),
// with the answers validated again here: the typed client trusts the server, we do not.

/** The typed Stacks API client over an injected fetch. */
export type ApiClient = ReturnType<typeof createClient>;

export function createApiClient(fetchFn: FetchFn, apiUrl: string): ApiClient {
  return createClient({ baseUrl: apiUrl, fetch: (request: Request) => fetchFn(request) });
}

type ApiResult = { data?: unknown; error?: unknown; response: Response };

/** Runs one typed call; converts transport failures and non-2xx answers into our errors. */
async function run(
  url: string,
  call: () => Promise<ApiResult>,
): Promise<{ status: number; data: unknown }> {
  let result: ApiResult;
  try {
    result = await call();
  } catch (cause) {
    throw new NetworkError(`request to ${url} failed`, {
      url,
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
    });
  }
  const { status } = result.response;
  if (!result.response.ok) {
    const body = result.error;
    throw new HttpError(`HTTP ${status} from ${url}`, {
      url,
      status,
      body,
      ...(body === undefined
        ? {}
        : { details: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }
  return { status, data: result.data };
}

const noncesSchema = z.looseObject({
  possible_next_nonce: z.number().int().nonnegative(),
  last_executed_tx_nonce: z.number().int().nonnegative().nullable(),
  last_mempool_tx_nonce: z.number().int().nonnegative().nullable(),
  detected_missing_nonces: z.array(z.number().int().nonnegative()),
});

/** `GET /extended/v1/address/{principal}/nonces`. */
export async function getNonces(
  api: ApiClient,
  apiUrl: string,
  principal: string,
): Promise<AccountNonces> {
  const url = joinUrl(apiUrl, `/extended/v1/address/${principal}/nonces`);
  const { status, data } = await run(url, () =>
    api.GET('/extended/v1/address/{principal}/nonces', { params: { path: { principal } } }),
  );
  const n = parseBody(noncesSchema, data, url, status);
  const opt = (v: number | null) => (v === null ? undefined : BigInt(v));
  return {
    possibleNextNonce: BigInt(n.possible_next_nonce),
    lastExecutedNonce: opt(n.last_executed_tx_nonce),
    lastMempoolNonce: opt(n.last_mempool_tx_nonce),
    missingNonces: n.detected_missing_nonces.map((x) => BigInt(x)),
  };
}

const TX_STATUSES = [
  'pending',
  'success',
  'abort_by_response',
  'abort_by_post_condition',
  'dropped_replace_by_fee',
  'dropped_replace_across_fork',
  'dropped_too_expensive',
  'dropped_stale_garbage_collect',
  'dropped_problematic',
] as const satisfies readonly TxStatus[];

const txSchema = z.looseObject({
  tx_id: z.string(),
  tx_status: z.enum(TX_STATUSES),
  block_height: z.number().int().nonnegative().optional(),
  tx_index: z.number().int().nonnegative().optional(),
  tx_result: z.looseObject({ hex: z.string(), repr: z.string() }).optional(),
});

/** `GET /extended/v1/tx/{txid}`; undefined when the API does not know the transaction (404). */
export async function getTransaction(
  api: ApiClient,
  apiUrl: string,
  txid: string,
): Promise<(TransactionInfo & { txIndex: number | undefined }) | undefined> {
  const tx_id = txid.startsWith('0x') ? txid : `0x${txid}`;
  const url = joinUrl(apiUrl, `/extended/v1/tx/${tx_id}`);
  let reply: { status: number; data: unknown };
  try {
    reply = await run(url, () =>
      api.GET('/extended/v1/tx/{tx_id}', { params: { path: { tx_id } } }),
    );
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
  const tx = parseBody(txSchema, reply.data, url, reply.status);
  // a mined transaction always has a height and a result; a pending one has neither
  const mined = tx.tx_status !== 'pending' && !tx.tx_status.startsWith('dropped_');
  return {
    txid: tx.tx_id.replace(/^0x/, '').toLowerCase(),
    status: tx.tx_status,
    blockHeight: mined ? tx.block_height : undefined,
    txIndex: mined ? tx.tx_index : undefined,
    result: mined && tx.tx_result ? { hex: tx.tx_result.hex, repr: tx.tx_result.repr } : undefined,
  };
}

const eventsSchema = z.looseObject({
  limit: z.number().int(),
  offset: z.number().int(),
  results: z.array(
    z.looseObject({
      event_index: z.number().int().nonnegative(),
      event_type: z.string(),
      tx_id: z.string(),
      contract_log: z
        .looseObject({
          contract_id: z.string(),
          topic: z.string(),
          value: z.looseObject({ hex: z.string(), repr: z.string() }),
        })
        .optional(),
    }),
  ),
});

/** Page size of the contract-events endpoint (the API caps it at 50). */
export const EVENTS_PAGE_SIZE = 50;

/**
 * The `print` events of `contractId` in Stacks blocks at or above `sinceHeight`, oldest first.
 * `GET /extended/v1/contract/{id}/events` lists newest first without heights, so each distinct
 * transaction is looked up once for its block height, and paging stops at the first older one.
 * More than `maxPages` pages is an error rather than a silently truncated answer.
 */
export async function getContractPrintEvents(
  api: ApiClient,
  apiUrl: string,
  contractId: string,
  sinceHeight: number,
  maxPages = 100,
): Promise<ContractPrintEvent[]> {
  const found: Array<ContractPrintEvent & { txIndex: number }> = [];
  const txs = new Map<string, { height: number; index: number }>();
  const seen = new Set<string>();
  for (let page = 0; ; page++) {
    if (page === maxPages) {
      throw new StacksClientError(
        `more than ${maxPages * EVENTS_PAGE_SIZE} events since height ${sinceHeight}`,
        {
          details: 'ask for a later height',
        },
      );
    }
    const offset = page * EVENTS_PAGE_SIZE;
    const url = joinUrl(
      apiUrl,
      `/extended/v1/contract/${contractId}/events?limit=${EVENTS_PAGE_SIZE}&offset=${offset}`,
    );
    const { status, data } = await run(url, () =>
      api.GET('/extended/v1/contract/{contract_id}/events', {
        params: { path: { contract_id: contractId }, query: { limit: EVENTS_PAGE_SIZE, offset } },
      }),
    );
    const { results } = parseBody(eventsSchema, data, url, status);
    let reachedOlder = false;
    for (const event of results) {
      let tx = txs.get(event.tx_id);
      if (!tx) {
        const info = await getTransaction(api, apiUrl, event.tx_id);
        if (info?.blockHeight === undefined) {
          throw new StacksClientError(
            `event of transaction ${event.tx_id} has no mined transaction`,
            {
              url,
              status,
            },
          );
        }
        tx = { height: info.blockHeight, index: info.txIndex ?? 0 };
        txs.set(event.tx_id, tx);
      }
      if (tx.height < sinceHeight) {
        reachedOlder = true;
        break;
      }
      const log = event.contract_log;
      if (event.event_type !== 'smart_contract_log' || !log || log.topic !== 'print') continue;
      // new events arriving between pages shift the offsets: the same event may come twice
      const key = `${event.tx_id}:${event.event_index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({
        txid: event.tx_id.replace(/^0x/, '').toLowerCase(),
        eventIndex: event.event_index,
        blockHeight: tx.height,
        txIndex: tx.index,
        contractId: log.contract_id,
        topic: printTopic(log.value.hex),
        hex: log.value.hex.replace(/^0x/, '').toLowerCase(),
        repr: log.value.repr,
      });
    }
    if (reachedOlder || results.length < EVENTS_PAGE_SIZE) break;
  }
  found.sort(
    (a, b) => a.blockHeight - b.blockHeight || a.txIndex - b.txIndex || a.eventIndex - b.eventIndex,
  );
  return found.map(({ txIndex: _ignored, ...event }) => event);
}

/** The `topic` string of a printed tuple, if it has one. */
function printTopic(hex: string): string | undefined {
  const cv = decodeHex(hex, 'print');
  if (cv.type !== 'tuple') return undefined;
  const topic = cv.value.topic;
  return topic && (topic.type === 'ascii' || topic.type === 'utf8') ? topic.value : undefined;
}
