import { validateStacksAddress } from '@stacks/transactions';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { addressTxSummary, involves } from './activity.ts';
import { apiBlock, apiBurnBlock, apiTx, indexBlockHash } from './api-shapes.ts';
import { MIN_FEE_PER_BYTE, type StacksTxRecord, stacksBlockHash } from './chain.ts';
import type { StacksNode } from './node.ts';
import { registerPoxRoute } from './pox.ts';
import { TxRejected } from './rejection.ts';

export type StacksApiOptions = { node: StacksNode; logger?: Logger | false };

/**
 * A standard or contract principal. The address is checked by @stacks/transactions (c32check:
 * alphabet, version, checksum): its length varies with the hash's leading bits (a regex for
 * 40–41 characters refused about one address in 270, which made a 15-operator set-up fail).
 */
function isPrincipal(s: string): boolean {
  const dot = s.indexOf('.');
  if (dot >= 0 && !CONTRACT_NAME.test(s.slice(dot + 1))) return false;
  return validateStacksAddress(dot < 0 ? s : s.slice(0, dot));
}
const CONTRACT_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;
const CLARITY_NAME = /^[a-zA-Z!?*+<>=/_-][a-zA-Z0-9!?*+<>=/_-]{0,127}$/;
const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;
/** The faucet's default grant: 500 STX, like the Hiro testnet faucet. */
const FAUCET_STX = 500_000_000n;

const TXID = /^(0x)?[0-9a-fA-F]{64}$/;
/** Path prefixes of the Stacks node RPC and the Stacks API: an unserved route there answers 501. */
const API_PREFIXES = ['/v2/', '/v3/', '/extended', '/v1/'];

const u128hex = (n: bigint) => `0x${n.toString(16).padStart(32, '0')}`;

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

type PageQuery = { limit?: string; offset?: string };

/** `limit`/`offset` as the API takes them: defaults, and 400 past the maximum. */
function pageOf(
  query: PageQuery,
  max: number,
  fallback = 20,
): { limit: number; offset: number } | string {
  const limit = query.limit === undefined ? fallback : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(limit) || limit < 0 || limit > max)
    return `limit must be an integer from 0 to ${max}`;
  if (!Number.isInteger(offset) || offset < 0) return 'offset must be a non-negative integer';
  return { limit, offset };
}

function paged<T, R>(all: readonly T[], page: { limit: number; offset: number }, map: (t: T) => R) {
  return {
    limit: page.limit,
    offset: page.offset,
    total: all.length,
    results: all.slice(page.offset, page.offset + page.limit).map(map),
  };
}

/** A query parameter given once, several times, or comma-separated, as a list. */
function listParam(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter(Boolean);
}

function contractId(params: { address: string; name: string }): string | undefined {
  const id = `${params.address}.${params.name}`;
  return isPrincipal(id) && CONTRACT_NAME.test(params.name) ? id : undefined;
}

/** The Stacks node / Stacks API endpoints our clients use, served from the devnet chain. */
export function buildStacksApi(options: StacksApiOptions): FastifyInstance {
  const { node } = options;
  const chain = node.chain;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 4 * 1024 * 1024,
    // The API client asks for list routes with a trailing slash (`/extended/v1/tx/`).
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  // A JSON content type with an empty body (the API client's faucet call sends one) is no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/v2/info', async () => {
    const burn = node.burnTip();
    return {
      peer_version: 4207599116,
      pox_consensus: burn.hash,
      burn_block_height: burn.height,
      stable_pox_consensus: burn.hash,
      stable_burn_block_height: burn.height,
      server_version: 'peg-devnet (Clarinet SDK simnet)',
      network_id: 2147483648,
      parent_network_id: 3669344250,
      stacks_tip_height: chain.simnet.blockHeight,
      stacks_tip: `0x${stacksBlockHash(chain.simnet.blockHeight)}`,
      stacks_tip_consensus_hash: burn.hash.slice(0, 40),
      unanchored_tip: null,
      exit_at_block_height: null,
      is_fully_synced: true,
    };
  });

  app.get<{ Params: { principal: string } }>('/v2/accounts/:principal', async (req, reply) => {
    const { principal } = req.params;
    if (!isPrincipal(principal)) return badRequest(reply, 'invalid principal');
    return {
      balance: u128hex(chain.stxBalance(principal)),
      locked: u128hex(0n),
      unlock_height: 0,
      nonce: Number(chain.confirmedNonce(principal)),
      balance_proof: '',
      nonce_proof: '',
    };
  });

  app.get<{ Params: { principal: string } }>(
    '/extended/v1/address/:principal/nonces',
    async (req, reply) => {
      const { principal } = req.params;
      if (!isPrincipal(principal)) return badRequest(reply, 'invalid principal');
      const confirmed = chain.confirmedNonce(principal);
      const lastMempool = chain.lastMempoolNonce(principal);
      return {
        last_executed_tx_nonce: confirmed > 0n ? Number(confirmed - 1n) : null,
        last_mempool_tx_nonce: lastMempool === undefined ? null : Number(lastMempool),
        possible_next_nonce: Number(chain.possibleNextNonce(principal)),
        detected_missing_nonces: [],
        detected_mempool_nonces: chain
          .pending()
          .filter((t) => t.sender === principal)
          .map((t) => Number(t.nonce)),
      };
    },
  );

  const balances = (principal: string) => {
    const stx = chain.stxBalance(principal);
    const totals = chain.stxTotals(principal);
    const moved = chain.tokenTotals(principal);
    const tokens = Object.fromEntries(
      Object.entries(chain.tokenBalances(principal)).map(([id, balance]) => [
        id,
        {
          balance: balance.toString(),
          total_sent: (moved[id]?.sent ?? 0n).toString(),
          total_received: (moved[id]?.received ?? 0n).toString(),
        },
      ]),
    );
    return {
      stx: {
        balance: stx.toString(),
        total_sent: totals.sent.toString(),
        total_received: totals.received.toString(),
        total_fees_sent: totals.fees.toString(),
        total_miner_rewards_received: '0',
        locked: '0',
      },
      fungible_tokens: tokens,
      non_fungible_tokens: {},
    };
  };
  app.get<{ Params: { principal: string } }>(
    '/extended/v1/address/:principal/balances',
    async (req, reply) => {
      if (!isPrincipal(req.params.principal)) return badRequest(reply, 'invalid principal');
      return balances(req.params.principal);
    },
  );
  app.get<{ Params: { principal: string } }>(
    '/extended/v1/address/:principal/stx',
    async (req, reply) => {
      if (!isPrincipal(req.params.principal)) return badRequest(reply, 'invalid principal');
      return balances(req.params.principal).stx;
    },
  );

  app.post('/v2/transactions', async (req, reply) => {
    const body = req.body as unknown;
    const rawHex = Buffer.isBuffer(body)
      ? body.toString('hex')
      : typeof body === 'object' &&
          body !== null &&
          typeof (body as { tx?: unknown }).tx === 'string'
        ? (body as { tx: string }).tx
        : undefined;
    if (rawHex === undefined || !HEX.test(rawHex)) {
      return reply.code(400).send(
        new TxRejected('Deserialization', '', {
          message: 'expected {"tx": "<hex>"} or raw bytes',
        }).toJSON(),
      );
    }
    try {
      const record = node.broadcast(rawHex);
      return reply.code(200).send(JSON.stringify(record.txid));
    } catch (err) {
      if (err instanceof TxRejected) return reply.code(400).send(err.toJSON());
      throw err;
    }
  });

  app.post<{ Params: { address: string; name: string; fn: string } }>(
    '/v2/contracts/call-read/:address/:name/:fn',
    async (req, reply) => {
      const id = contractId(req.params);
      const body = req.body as { sender?: unknown; arguments?: unknown } | undefined;
      if (!id || !CLARITY_NAME.test(req.params.fn))
        return badRequest(reply, 'invalid contract or function name');
      if (!body || typeof body.sender !== 'string' || !isPrincipal(body.sender))
        return badRequest(reply, 'invalid sender');
      const args = body.arguments ?? [];
      if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && HEX.test(a))) {
        return badRequest(reply, 'arguments must be hex-serialized Clarity values');
      }
      if (!chain.contractInterface(id))
        return reply.code(404).send({ error: `no such contract ${id}` });
      return chain.callReadOnly(id, req.params.fn, args as string[], body.sender);
    },
  );

  app.get<{ Params: { address: string; name: string } }>(
    '/v2/contracts/interface/:address/:name',
    async (req, reply) => {
      const id = contractId(req.params);
      const iface = id && chain.contractInterface(id);
      if (!iface) return reply.code(404).send({ error: 'No contract interface data found' });
      return iface;
    },
  );

  app.get<{ Params: { address: string; name: string } }>(
    '/v2/contracts/source/:address/:name',
    async (req, reply) => {
      const id = contractId(req.params);
      const source = id && chain.contractSource(id);
      if (!source) return reply.code(404).send({ error: 'No contract source data found' });
      return { source, publish_height: 0, proof: '' };
    },
  );

  app.post<{ Params: { address: string; name: string; map: string } }>(
    '/v2/map_entry/:address/:name/:map',
    async (req, reply) => {
      const id = contractId(req.params);
      if (!id || !chain.contractInterface(id))
        return reply.code(404).send({ error: 'no such contract' });
      let key = req.body;
      if (typeof key === 'string' && key.startsWith('"')) {
        // A text/plain body may carry the JSON string; a malformed one is the caller's error.
        try {
          key = JSON.parse(key);
        } catch {
          key = undefined;
        }
      }
      if (typeof key !== 'string' || !HEX.test(key))
        return badRequest(reply, 'body must be a hex-serialized Clarity key');
      try {
        return { data: chain.mapEntry(id, req.params.map, key), proof: '' };
      } catch (err) {
        return badRequest(reply, err instanceof Error ? err.message : 'bad map query');
      }
    },
  );

  app.get<{ Params: { address: string; name: string; v: string } }>(
    '/v2/data_var/:address/:name/:v',
    async (req, reply) => {
      const id = contractId(req.params);
      if (!id || !chain.contractInterface(id))
        return reply.code(404).send({ error: 'no such contract' });
      try {
        return { data: chain.dataVar(id, req.params.v), proof: '' };
      } catch {
        return reply.code(404).send({ error: 'no such data var' });
      }
    },
  );

  app.get('/v2/fees/transfer', async () => Number(MIN_FEE_PER_BYTE));
  app.post('/v2/fees/transaction', async (req, reply) => {
    const body = req.body as { estimated_len?: unknown; transaction_payload?: unknown } | undefined;
    const payloadLen =
      typeof body?.transaction_payload === 'string' ? body.transaction_payload.length / 2 : 0;
    const len = typeof body?.estimated_len === 'number' ? body.estimated_len : payloadLen + 200;
    if (!Number.isFinite(len) || len <= 0) return badRequest(reply, 'invalid estimated_len');
    // The devnet has no fee market: the floor (1 micro-STX per byte), doubled and tripled.
    const base = Math.ceil(len) * Number(MIN_FEE_PER_BYTE);
    return {
      estimated_cost: {
        write_length: 0,
        write_count: 0,
        read_length: 0,
        read_count: 0,
        runtime: 0,
      },
      estimated_cost_scalar: 1,
      cost_scalar_change_by_byte: 0,
      estimations: [1, 2, 3].map((k) => ({ fee_rate: k, fee: base * k })),
    };
  });

  app.get<{ Params: { txid: string } }>('/extended/v1/tx/:txid', async (req, reply) => {
    if (!TXID.test(req.params.txid))
      return badRequest(reply, `invalid tx id ${JSON.stringify(req.params.txid)}`);
    const record = chain.transaction(req.params.txid);
    if (!record)
      return reply.code(404).send({ error: `could not find transaction by ID ${req.params.txid}` });
    return apiTx(record);
  });
  app.get<{ Params: { txid: string } }>('/extended/v1/tx/:txid/raw', async (req, reply) => {
    if (!TXID.test(req.params.txid))
      return badRequest(reply, `invalid tx id ${JSON.stringify(req.params.txid)}`);
    const record = chain.transaction(req.params.txid);
    if (!record)
      return reply.code(404).send({ error: `could not find transaction by ID ${req.params.txid}` });
    return { raw_tx: `0x${record.hex}` };
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: string; offset?: string } }>(
    '/extended/v1/contract/:id/events',
    async (req, reply) => {
      const limit = Math.min(Number(req.query.limit ?? 20), 50);
      const offset = Number(req.query.offset ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
        return badRequest(reply, 'invalid limit or offset');
      }
      // Newest first, like the Hiro API.
      const all = chain.logs.filter((l) => l.contractId === req.params.id).reverse();
      return {
        limit,
        offset,
        total: all.length,
        results: all.slice(offset, offset + limit).map((l) => ({
          event_index: l.eventIndex,
          event_type: 'smart_contract_log',
          tx_id: `0x${l.txid}`,
          block_height: l.blockHeight,
          contract_log: {
            contract_id: l.contractId,
            topic: l.topic,
            value: { hex: l.hex, repr: l.repr },
          },
        })),
      };
    },
  );

  const stacksBlocksOf = (burnHeight: number) =>
    chain.blocks.filter((b) => b.burnBlockHeight === burnHeight);
  const burnBlockOf = (id: string) => (id === 'latest' ? node.burnTip() : node.burnBlock(id));

  app.get<{ Querystring: PageQuery & { type?: string | string[] } }>(
    '/extended/v1/tx',
    async (req, reply) => {
      const page = pageOf(req.query, 50);
      if (typeof page === 'string') return badRequest(reply, page);
      const types = listParam(req.query.type);
      const all = chain.mined().filter((r) => types.length === 0 || types.includes(r.payload.kind));
      return paged(all, page, apiTx);
    },
  );

  app.get<{
    Querystring: PageQuery & {
      sender_address?: string;
      recipient_address?: string;
      address?: string;
    };
  }>('/extended/v1/tx/mempool', async (req, reply) => {
    const page = pageOf(req.query, 50);
    if (typeof page === 'string') return badRequest(reply, page);
    const { sender_address: from, recipient_address: to, address } = req.query;
    for (const p of [from, to, address])
      if (p !== undefined && !isPrincipal(p)) return badRequest(reply, 'invalid principal');
    const recipientOf = (r: StacksTxRecord) =>
      r.payload.kind === 'token_transfer'
        ? r.payload.recipient
        : r.payload.kind === 'contract_call'
          ? r.payload.contractId
          : undefined;
    const all = [...chain.pending()]
      .reverse()
      .filter(
        (r) =>
          (from === undefined || r.sender === from) &&
          (to === undefined || recipientOf(r) === to) &&
          (address === undefined || r.sender === address || recipientOf(r) === address),
      );
    return paged(all, page, apiTx);
  });

  // An address's mined transactions, newest first: v1 lists them, v2 adds what moved for it.
  const addressTransactions = (
    path: string,
    row: (r: StacksTxRecord, principal: string) => Record<string, unknown>,
  ) =>
    app.get<{ Params: { principal: string }; Querystring: PageQuery }>(path, async (req, reply) => {
      const { principal } = req.params;
      if (!isPrincipal(principal)) return badRequest(reply, 'invalid principal');
      const page = pageOf(req.query, 50);
      if (typeof page === 'string') return badRequest(reply, page);
      const mine = chain.mined().filter((r) => involves(r, principal));
      return paged(mine, page, (r) => row(r, principal));
    });
  addressTransactions('/extended/v1/address/:principal/transactions', apiTx);
  addressTransactions('/extended/v2/addresses/:principal/transactions', (r, principal) => ({
    tx: apiTx(r),
    ...addressTxSummary(r, principal),
  }));

  app.get<{ Querystring: PageQuery }>('/extended/v2/blocks', async (req, reply) => {
    const page = pageOf(req.query, 30);
    if (typeof page === 'string') return badRequest(reply, page);
    return {
      ...paged([...chain.blocks].reverse(), page, apiBlock),
      next_cursor: null,
      prev_cursor: null,
      cursor: null,
    };
  });

  app.get<{ Params: { id: string } }>('/extended/v2/blocks/:id', async (req, reply) => {
    const id = req.params.id.replace(/^0x/, '').toLowerCase();
    const block =
      id === 'latest'
        ? chain.blocks[chain.blocks.length - 1]
        : /^\d+$/.test(id)
          ? chain.blocks.find((b) => b.height === Number(id))
          : /^[0-9a-f]{64}$/.test(id)
            ? chain.blocks.find((b) => b.hash === id || indexBlockHash(b.height) === id)
            : null;
    if (block === null) return badRequest(reply, 'expected a block height or hash');
    if (!block) return reply.code(404).send({ error: 'cannot find block by height or hash' });
    return apiBlock(block);
  });

  app.get<{ Querystring: PageQuery }>('/extended/v2/burn-blocks', async (req, reply) => {
    const page = pageOf(req.query, 30);
    if (typeof page === 'string') return badRequest(reply, page);
    // Heights newest first; only the page's blocks are looked up.
    const tip = node.burnTip().height;
    const heights = Array.from({ length: tip + 1 }, (_, i) => tip - i);
    return paged(heights, page, (h) => {
      const burn = node.burnBlock(String(h))!;
      return apiBurnBlock(burn, stacksBlocksOf(h));
    });
  });

  app.get<{ Params: { id: string } }>('/extended/v2/burn-blocks/:id', async (req, reply) => {
    const burn = burnBlockOf(req.params.id);
    if (!burn) return reply.code(404).send({ error: 'burn block not found' });
    return apiBurnBlock(burn, stacksBlocksOf(burn.height));
  });

  app.get<{ Params: { id: string } }>('/extended/v1/contract/:id', async (req, reply) => {
    const { id } = req.params;
    const [address, name] = id.split('.');
    if (!address || !name || !contractId({ address, name }))
      return badRequest(reply, `invalid contract id ${JSON.stringify(id)}`);
    const iface = chain.contractInterface(id);
    const source = chain.contractSource(id);
    if (!iface || source === undefined)
      return reply.code(404).send({ error: `cannot find contract by ID ${id}` });
    const deployed = chain.deployment(id);
    const declared = Number(/\d+/.exec(String(iface.clarity_version ?? ''))?.[0]);
    return {
      // Contracts of the project's plan are deployed at genesis by the simnet, without a transaction.
      tx_id: deployed ? `0x${deployed.txid}` : null,
      canonical: true,
      contract_id: id,
      block_height: deployed?.block?.height ?? 0,
      clarity_version: Number.isInteger(declared) ? declared : null,
      source_code: source,
      abi: JSON.stringify(iface),
    };
  });

  registerPoxRoute(app, node);

  const status = async () => {
    const burn = node.burnTip();
    const height = chain.simnet.blockHeight;
    return {
      server_version: 'peg-devnet (Clarinet SDK simnet)',
      status: 'ready',
      chain_tip: {
        block_height: height,
        block_hash: `0x${stacksBlockHash(height)}`,
        index_block_hash: `0x${indexBlockHash(height)}`,
        burn_block_height: burn.height,
      },
    };
  };
  app.get('/extended', status);
  app.get('/extended/v1/status', status);

  app.post<{ Querystring: { address?: string; amount?: string } }>(
    '/extended/v1/faucets/stx',
    async (req, reply) => {
      const body = (req.body ?? {}) as { address?: unknown };
      const address =
        req.query.address ?? (typeof body.address === 'string' ? body.address : undefined);
      if (!address || !isPrincipal(address)) return badRequest(reply, 'invalid address');
      const given = req.query.amount;
      if (given !== undefined && !/^[1-9]\d{0,17}$/.test(given)) {
        return badRequest(reply, 'amount must be a positive integer of micro-STX');
      }
      const amount = given === undefined ? FAUCET_STX : BigInt(given);
      try {
        const record = node.faucetStx(address, amount);
        return { success: true, txId: `0x${record.txid}`, txRaw: `0x${record.hex}` };
      } catch (err) {
        if (err instanceof TxRejected) return reply.code(400).send(err.toJSON());
        throw err;
      }
    },
  );

  app.post('/devnet/mine', async (req, reply) => {
    const body = (req.body ?? {}) as { blocks?: unknown };
    const blocks = body.blocks === undefined ? 1 : body.blocks;
    if (typeof blocks !== 'number' || !Number.isInteger(blocks) || blocks < 1 || blocks > 1000) {
      return badRequest(reply, 'blocks must be an integer between 1 and 1000');
    }
    node.mine(blocks);
    const burn = node.burnTip();
    return {
      burn_block_height: burn.height,
      burn_block_hash: burn.hash,
      stacks_tip_height: chain.simnet.blockHeight,
    };
  });

  // Every other route of the node RPC or the Stacks API: a plain 501 naming it (not a 404,
  // which a client would read as "no such transaction/contract").
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? req.url;
    if (API_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.code(501).send({
        error: 'not implemented',
        message: `${req.method} ${path} is not served by the peg devnet (see docs/chains.md, "Stacks endpoints")`,
      });
    }
    return reply.code(404).send({ error: 'not found', message: `${req.method} ${path}` });
  });

  return app;
}
