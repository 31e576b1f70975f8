import { Ledger } from '../../src/bitcoin/ledger.ts';
import type { BitcoinNode } from '../../src/bitcoin/methods.ts';
import { buildBitcoinRpc } from '../../src/bitcoin/server.ts';

export type RpcAnswer = {
  status: number;
  result: unknown;
  error: { code: number; message: string } | null;
};

/**
 * The devnet's Bitcoin JSON-RPC server and ledger on 127.0.0.1, port 0, without the Stacks side
 * (`startDevnet` adds the simnet and the journal, which these tests do not exercise, and mining
 * 100+ blocks through it would take minutes). Blocks are mined straight into the ledger.
 */
export async function startBitcoinRpc() {
  const ledger = new Ledger();
  ledger.genesis();
  const node: BitcoinNode = {
    ledger,
    feeRate: 2,
    sendRawTransaction: (raw) => ledger.submit(raw),
    generate: (count, script) => Array.from({ length: count }, () => ledger.mineBlock(script)),
    faucet: (script, amount) => ledger.faucet(script, amount),
  };
  const app = buildBitcoinRpc({ node, rpcUser: 'devnet', rpcPassword: 'devnet' });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  /** One JSON-RPC 1.0 call; `params` an array (positional) or an object (named). */
  const call = async (method: string, params: unknown = []): Promise<RpcAnswer> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('devnet:devnet').toString('base64')}` },
      body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
    });
    const body = (await res.json()) as Omit<RpcAnswer, 'status'>;
    return { status: res.status, result: body.result, error: body.error };
  };
  /** The result of a call that must succeed. */
  const result = async <T = unknown>(method: string, params: unknown = []): Promise<T> => {
    const answer = await call(method, params);
    if (answer.error) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
    return answer.result as T;
  };
  return { url, ledger, call, result, stop: () => app.close() };
}
