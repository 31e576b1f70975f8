import { cvToString, serializeCV } from '@stacks/transactions';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import {
  type BurnView,
  MIN_FEE_PER_BYTE,
  type StacksChain,
  type StacksTxRecord,
  stacksBlockHash,
} from './chain.ts';
import { TxRejected } from './rejection.ts';

/** What the Stacks API needs from the devnet (state-changing calls are journaled there). */
export type StacksNode = {
  readonly chain: StacksChain;
  burnTip(): BurnView;
  burnBlock(heightOrHash: string): BurnView | undefined;
  broadcast(rawHex: string): StacksTxRecord;
  mine(blocks: number): void;
  faucetStx(principal: string, amount: bigint): void;
};

export type StacksApiOptions = { node: StacksNode; logger?: Logger | false };

const PRINCIPAL = /^S[0-9A-Z]{39,40}(\.[a-zA-Z][a-zA-Z0-9_-]{0,127})?$/;
const CONTRACT_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;
const CLARITY_NAME = /^[a-zA-Z!?*+<>=/_-][a-zA-Z0-9!?*+<>=/_-]{0,127}$/;
const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;
/** The faucet's default grant: 500 STX, like the Hiro testnet faucet. */
const FAUCET_STX = 500_000_000n;

const u128hex = (n: bigint) => `0x${n.toString(16).padStart(32, '0')}`;

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

function contractId(params: { address: string; name: string }): string | undefined {
  const id = `${params.address}.${params.name}`;
  return PRINCIPAL.test(id) && CONTRACT_NAME.test(params.name) ? id : undefined;
}

/** A transaction in the Stacks API's `/extended/v1/tx/{id}` shape. */
export function apiTx(record: StacksTxRecord): Record<string, unknown> {
  const p = record.payload;
  const common = {
    tx_id: `0x${record.txid}`,
    nonce: Number(record.nonce),
    fee_rate: record.fee.toString(),
    sender_address: record.sender,
    sponsored: false,
    post_condition_mode: record.postConditionMode,
    post_conditions: [],
    anchor_mode: 'any',
    tx_status: record.status,
    receipt_time: record.receiptTime,
    receipt_time_iso: new Date(record.receiptTime * 1000).toISOString(),
    tx_type: p.kind,
    ...(p.kind === 'contract_call'
      ? {
          contract_call: {
            contract_id: p.contractId,
            function_name: p.functionName,
            function_args: p.args.map((arg, i) => ({
              hex: `0x${serializeCV(arg)}`,
              repr: cvToString(arg),
              name: p.argNames[i]?.name ?? '',
              type: p.argNames[i]?.type ?? '',
            })),
          },
        }
      : p.kind === 'token_transfer'
        ? {
            token_transfer: {
              recipient_address: p.recipient,
              amount: p.amount.toString(),
              memo: `0x${Buffer.from(p.memo).toString('hex')}`,
            },
          }
        : {
            smart_contract: {
              contract_id: `${record.sender}.${p.contractName}`,
              source_code: p.source,
            },
          }),
  };
  if (!record.block) return common;
  return {
    ...common,
    block_hash: `0x${record.block.hash}`,
    block_height: record.block.height,
    block_time: record.block.burnBlockTime,
    burn_block_height: record.block.burnBlockHeight,
    burn_block_hash: `0x${record.block.burnBlockHash}`,
    burn_block_time: record.block.burnBlockTime,
    burn_block_time_iso: new Date(record.block.burnBlockTime * 1000).toISOString(),
    canonical: true,
    microblock_canonical: true,
    is_unanchored: false,
    tx_index: record.txIndex ?? 0,
    tx_result: record.result ?? { hex: '', repr: '' },
    event_count: record.events.length,
    events: record.events,
  };
}

/** The Stacks node / Stacks API endpoints our clients use, served from the devnet chain. */
export function buildStacksApi(options: StacksApiOptions): FastifyInstance {
  const { node } = options;
  const chain = node.chain;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 4 * 1024 * 1024 });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
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
    if (!PRINCIPAL.test(principal)) return badRequest(reply, 'invalid principal');
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
      if (!PRINCIPAL.test(principal)) return badRequest(reply, 'invalid principal');
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
    const tokens = Object.fromEntries(
      Object.entries(chain.tokenBalances(principal)).map(([id, balance]) => [
        id,
        { balance: balance.toString(), total_sent: '0', total_received: '0' },
      ]),
    );
    return {
      stx: {
        balance: stx.toString(),
        total_sent: '0',
        total_received: '0',
        total_fees_sent: '0',
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
      if (!PRINCIPAL.test(req.params.principal)) return badRequest(reply, 'invalid principal');
      return balances(req.params.principal);
    },
  );
  app.get<{ Params: { principal: string } }>(
    '/extended/v1/address/:principal/stx',
    async (req, reply) => {
      if (!PRINCIPAL.test(req.params.principal)) return badRequest(reply, 'invalid principal');
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
      if (!body || typeof body.sender !== 'string' || !PRINCIPAL.test(body.sender))
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
    const record = chain.transaction(req.params.txid);
    if (!record)
      return reply.code(404).send({ error: `could not find transaction by ID ${req.params.txid}` });
    return apiTx(record);
  });
  app.get<{ Params: { txid: string } }>('/extended/v1/tx/:txid/raw', async (req, reply) => {
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

  app.get<{ Params: { id: string } }>('/extended/v2/burn-blocks/:id', async (req, reply) => {
    const burn = req.params.id === 'latest' ? node.burnTip() : node.burnBlock(req.params.id);
    if (!burn) return reply.code(404).send({ error: 'burn block not found' });
    return {
      burn_block_height: burn.height,
      burn_block_hash: `0x${burn.hash}`,
      burn_block_time: burn.time,
      burn_block_time_iso: new Date(burn.time * 1000).toISOString(),
      stacks_blocks: chain.blocks
        .filter((b) => b.burnBlockHeight === burn.height)
        .map((b) => `0x${b.hash}`),
    };
  });

  app.get('/extended', async () => {
    const burn = node.burnTip();
    return {
      server_version: 'peg-devnet',
      status: 'ready',
      chain_tip: {
        block_height: chain.simnet.blockHeight,
        burn_block_height: burn.height,
        burn_block_hash: `0x${burn.hash}`,
      },
    };
  });

  app.post<{ Querystring: { address?: string; amount?: string } }>(
    '/extended/v1/faucets/stx',
    async (req, reply) => {
      const body = (req.body ?? {}) as { address?: unknown };
      const address =
        req.query.address ?? (typeof body.address === 'string' ? body.address : undefined);
      if (!address || !PRINCIPAL.test(address)) return badRequest(reply, 'invalid address');
      const given = req.query.amount;
      if (given !== undefined && !/^[1-9]\d{0,17}$/.test(given)) {
        return badRequest(reply, 'amount must be a positive integer of micro-STX');
      }
      const amount = given === undefined ? FAUCET_STX : BigInt(given);
      node.faucetStx(address, amount);
      // The devnet mints directly in the simnet: there is no faucet transaction to point at.
      return { success: true, txId: null, amount: amount.toString() };
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

  return app;
}
