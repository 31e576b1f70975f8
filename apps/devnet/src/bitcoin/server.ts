import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import {
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_MISC_ERROR,
  RPC_PARSE_ERROR,
  RpcError,
} from './errors.ts';
import { type BitcoinNode, type CallContext, callMethod } from './methods.ts';

export type BitcoinRpcOptions = {
  node: BitcoinNode;
  rpcUser: string;
  rpcPassword: string;
  logger?: Logger | false;
};

/** Most calls in one JSON-RPC batch (the devnet answers them synchronously). */
const MAX_BATCH = 1000;

type Reply = { status: number; body: Record<string, unknown> };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorized(header: string | undefined, user: string, password: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Compare both parts even when the first differs, so timing says nothing about which one.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const passOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passOk;
}

/** One JSON-RPC request object -> bitcoind's reply (HTTP 500/404 on errors for JSON-RPC 1.0). */
function handleOne(node: BitcoinNode, request: unknown, context: CallContext): Reply {
  const req = (typeof request === 'object' && request !== null ? request : {}) as Record<
    string,
    unknown
  >;
  const id = req.id ?? null;
  const v2 = req.jsonrpc === '2.0';
  try {
    if (typeof req.method !== 'string')
      throw new RpcError(RPC_INVALID_REQUEST, 'Method must be a string');
    const result = callMethod(node, req.method, req.params, context);
    return {
      status: 200,
      body: v2
        ? { jsonrpc: '2.0', result: result ?? null, id }
        : { result: result ?? null, error: null, id },
    };
  } catch (err) {
    const error =
      err instanceof RpcError
        ? { code: err.code, message: err.message }
        : { code: RPC_MISC_ERROR, message: err instanceof Error ? err.message : 'internal error' };
    const status = v2 ? 200 : error.code === RPC_METHOD_NOT_FOUND ? 404 : 500;
    return { status, body: v2 ? { jsonrpc: '2.0', error, id } : { result: null, error, id } };
  }
}

/** The Bitcoin Core-compatible JSON-RPC endpoint (POST /, HTTP basic auth). */
export function buildBitcoinRpc(options: BitcoinRpcOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 16 * 1024 * 1024 });
  const startedAt = Date.now();
  const context: CallContext = { uptime: () => Math.floor((Date.now() - startedAt) / 1000) };
  // Bitcoin RPC clients send JSON with text/plain or no content type at all.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const handler = async (
    request: { headers: Record<string, unknown>; body: unknown },
    reply: import('fastify').FastifyReply,
  ) => {
    if (
      !authorized(
        request.headers.authorization as string | undefined,
        options.rpcUser,
        options.rpcPassword,
      )
    ) {
      return reply.code(401).header('www-authenticate', 'Basic realm="jsonrpc"').send('');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch {
      return reply
        .code(500)
        .send({ result: null, error: { code: RPC_PARSE_ERROR, message: 'Parse error' }, id: null });
    }
    if (Array.isArray(parsed)) {
      if (parsed.length > MAX_BATCH) {
        return reply.code(500).send({
          result: null,
          error: {
            code: RPC_INVALID_REQUEST,
            message: `devnet: batches are limited to ${MAX_BATCH} calls`,
          },
          id: null,
        });
      }
      return reply.code(200).send(parsed.map((one) => handleOne(options.node, one, context).body));
    }
    const { status, body } = handleOne(options.node, parsed, context);
    return reply.code(status).send(body);
  };
  app.post('/', handler);
  app.post('/wallet/*', handler);
  return app;
}
