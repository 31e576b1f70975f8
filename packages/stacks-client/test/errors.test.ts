import { describe, expect, it } from 'vitest';
import {
  ClarityDecodeError,
  createStacksClient,
  type FetchFn,
  HttpError,
  NetworkError,
  ReadOnlyCallError,
  ResponseShapeError,
  StacksClientError,
  TransactionRejectedError,
} from '../src/index.ts';
import { BASE, fixtureFetch, type Route } from './fixture-fetch.ts';
import { fixture, scenario } from './fixtures.ts';

const make = (fetchFn: FetchFn) =>
  createStacksClient({
    nodeUrl: BASE,
    network: 'devnet',
    contracts: { address: scenario.deployer },
    fetch: fetchFn,
  });
const at = (routes: Route[]) => make(fixtureFetch(routes));
const signerDataPath = `/v2/contracts/call-read/${scenario.deployer}/sbtc-registry/get-current-signer-data`;

async function caught(p: Promise<unknown>): Promise<StacksClientError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StacksClientError);
    return err as StacksClientError;
  }
  throw new Error('expected a rejection');
}

describe('typed errors carry status, url and body', () => {
  it('non-2xx JSON answer: HttpError', async () => {
    const err = await caught(
      at([
        { method: 'GET', path: '/v2/info', status: 503, body: { error: 'node is starting' } },
      ]).getChainTip(),
    );
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(503);
    expect(err.url).toBe(`${BASE}/v2/info`);
    expect(err.body).toEqual({ error: 'node is starting' });
    expect(err.name).toBe('HttpError');
    expect(err.message).toContain('status: 503');
  });

  it('non-2xx text answer keeps the text', async () => {
    const err = await caught(
      at([{ method: 'GET', path: '/v2/info', status: 502, text: 'Bad Gateway' }]).getChainTip(),
    );
    expect(err).toBeInstanceOf(HttpError);
    expect(err.body).toBe('Bad Gateway');
  });

  it('API endpoints (openapi-fetch) too', async () => {
    const err = await caught(at([]).getNonces(scenario.user));
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(404);
    expect(err.url).toBe(`${BASE}/extended/v1/address/${scenario.user}/nonces`);
    expect(err.body).toMatchObject({ error: expect.stringContaining('no route') });
  });

  it('transport failure: NetworkError with the cause', async () => {
    const refused: FetchFn = async () => {
      throw new TypeError('fetch failed: ECONNREFUSED');
    };
    const node = await caught(make(refused).getChainTip());
    expect(node).toBeInstanceOf(NetworkError);
    expect(node.url).toBe(`${BASE}/v2/info`);
    expect(node.cause).toBeInstanceOf(TypeError);
    const api = await caught(make(refused).getTransaction('ab'.repeat(32)));
    expect(api).toBeInstanceOf(NetworkError);
  });

  it('2xx with an unexpected shape: ResponseShapeError naming the field', async () => {
    const err = await caught(
      at([{ method: 'GET', path: '/v2/info', body: { burn_block_height: 'high' } }]).getChainTip(),
    );
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(err.details).toContain('burn_block_height');
    expect(err.body).toEqual({ burn_block_height: 'high' });
    const nonJson = await caught(
      at([{ method: 'GET', path: '/v2/info', text: 'hello' }]).getChainTip(),
    );
    expect(nonJson).toBeInstanceOf(ResponseShapeError);
  });

  it('read-only call refused by the node: ReadOnlyCallError', async () => {
    const body = fixture('call-read-failed.json');
    const err = await caught(at([{ method: 'POST', path: signerDataPath, body }]).getSignerData());
    expect(err).toBeInstanceOf(ReadOnlyCallError);
    expect((err as ReadOnlyCallError).reason).toContain('NoSuchPublicFunction');
    expect(err.status).toBe(200);
    expect(err.body).toEqual(body);
  });

  it('a value of the wrong Clarity type: ClarityDecodeError with its path', async () => {
    // (ok u1) where a tuple is expected
    const err = await caught(
      at([
        {
          method: 'POST',
          path: signerDataPath,
          body: { okay: true, result: '0x070100000000000000000000000000000001' },
        },
      ]).getSignerData(),
    );
    expect(err).toBeInstanceOf(ClarityDecodeError);
    expect(err.message).toBe('"signer-data" expected tuple, got ok');
    const garbage = await caught(
      at([
        { method: 'POST', path: signerDataPath, body: { okay: true, result: '0xzz' } },
      ]).getSignerData(),
    );
    expect(garbage).toBeInstanceOf(ClarityDecodeError);
  });

  it('broadcast refused: TransactionRejectedError with the reason', async () => {
    const body = fixture<{ txid: string }>('broadcast-rejected.json');
    const err = await caught(
      at([{ method: 'POST', path: '/v2/transactions', status: 400, body }]).broadcast('00'),
    );
    expect(err).toBeInstanceOf(TransactionRejectedError);
    const rejected = err as TransactionRejectedError;
    expect(rejected.reason).toBe('BadNonce');
    expect(rejected.reasonData).toMatchObject({ expected: 5, actual: 3 });
    expect(rejected.txid).toBe(body.txid);
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual(body);
  });

  it('broadcast failing otherwise: HttpError', async () => {
    const err = await caught(
      at([
        { method: 'POST', path: '/v2/transactions', status: 500, text: 'internal error' },
      ]).broadcast('00'),
    );
    expect(err).toBeInstanceOf(HttpError);
    expect(err.body).toBe('internal error');
  });
});
