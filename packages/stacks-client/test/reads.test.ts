import { describe, expect, it } from 'vitest';
import { createStacksClient, type FetchFn } from '../src/index.ts';
import { BASE, fixtureFetch, type Route } from './fixture-fetch.ts';
import { callReadRoutes, dataVarRoutes, fixture, scenario } from './fixtures.ts';

function client(routes: Route[], fetchFn?: FetchFn) {
  const f = fixtureFetch(routes);
  return {
    fetch: f,
    client: createStacksClient({
      nodeUrl: BASE,
      network: 'devnet',
      contracts: { address: scenario.deployer },
      fetch: fetchFn ?? f,
    }),
  };
}

describe('chain tip and accounts', () => {
  it('reads /v2/info', async () => {
    const info = fixture<{ burn_block_height: number; stacks_tip_height: number }>('info.json');
    const { client: c } = client([{ method: 'GET', path: '/v2/info', body: info }]);
    const tip = await c.getChainTip();
    expect(tip.burnHeight).toBe(info.burn_block_height);
    expect(tip.stacksHeight).toBe(info.stacks_tip_height);
    expect(tip.stableBurnHeight).toBe(info.burn_block_height - 1);
    expect(tip.stacksTip).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads nonces from the API and the account from the node', async () => {
    const who = scenario.signerPrincipal;
    const { client: c, fetch } = client([
      { method: 'GET', path: `/extended/v1/address/${who}/nonces`, body: fixture('nonces.json') },
      { method: 'GET', path: `/v2/accounts/${who}?proof=0`, body: fixture('account.json') },
    ]);
    expect(await c.getNonces(who)).toEqual({
      possibleNextNonce: 5n,
      lastExecutedNonce: 4n,
      lastMempoolNonce: undefined,
      missingNonces: [],
    });
    expect(await c.getAccount(who)).toEqual({ balance: 1_000_000_000_000n, nonce: 5n });
    expect(fetch.calls.map((x) => new URL(x.url).pathname)).toEqual([
      `/extended/v1/address/${who}/nonces`,
      `/v2/accounts/${who}`,
    ]);
    // Principals go into the URL path: anything else is refused before a request is made.
    await expect(c.getAccount(`${who}/../../v2/info`)).rejects.toThrow(TypeError);
    await expect(c.getNonces('not-a-principal')).rejects.toThrow(TypeError);
    await expect(c.getNonces(`${who}.a.b`)).rejects.toThrow(TypeError);
    expect(fetch.calls).toHaveLength(2);
  });

  it('uses a separate API base URL when given one', async () => {
    const f = fixtureFetch([
      {
        method: 'GET',
        path: `/extended/v1/address/${scenario.user}/nonces`,
        body: fixture('nonces.json'),
      },
    ]);
    const c = createStacksClient({
      nodeUrl: 'http://127.0.0.1:1/',
      apiUrl: `${BASE}/`,
      network: 'devnet',
      contracts: { address: scenario.deployer },
      fetch: f,
    });
    await c.getNonces(scenario.user);
    expect(f.calls[0]?.url).toBe(`${BASE}/extended/v1/address/${scenario.user}/nonces`);
  });
});

describe('registry reads (recorded from our contracts)', () => {
  const routes = () => [...callReadRoutes(), ...dataVarRoutes()];

  it('decodes the current signer data and aggregate key', async () => {
    const { client: c, fetch } = client(routes());
    expect(await c.getSignerData()).toEqual({
      signerSet: scenario.signers.map((s) => s.publicKey),
      aggregatePubkey: scenario.aggregate,
      signerPrincipal: scenario.signerPrincipal,
      signatureThreshold: 2n,
    });
    expect(await c.getAggregatePubkey()).toBe(scenario.aggregate);
    // read-only calls are sent as the node expects them
    expect(fetch.calls[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/v2/contracts/call-read/${scenario.deployer}/sbtc-registry/get-current-signer-data`,
      json: { sender: scenario.deployer, arguments: [] },
    });
  });

  it('decodes the DKG candidates', async () => {
    const { client: c } = client(routes());
    expect(await c.getSignerCandidates()).toEqual(
      scenario.signers.map((s) => ({ signer: s.address, weight: 1n, publicKey: s.publicKey })),
    );
  });

  it('looks signers up by account and by key', async () => {
    const { client: c } = client(routes());
    expect(await c.getSigner(scenario.signers[1]!.address)).toEqual({
      weight: 1n,
      publicKey: scenario.signers[1]!.publicKey,
    });
    expect(await c.getSigner(scenario.user)).toBeUndefined();
    expect(await c.getSignerByKey(scenario.signers[2]!.publicKey)).toBe(
      scenario.signers[2]!.address,
    );
  });

  it('decodes withdrawal requests in every status', async () => {
    const { client: c } = client(routes());
    const one = await c.getWithdrawalRequest(1n);
    expect(one).toMatchObject({
      id: 1n,
      amount: 10_000n,
      maxFee: 500n,
      sender: scenario.user,
      recipient: { version: 4, hashbytes: '11'.repeat(20) },
      status: 'accepted',
    });
    expect(typeof one?.blockHeight).toBe('bigint');
    expect((await c.getWithdrawalRequest(2n))?.recipient).toEqual({
      version: 6,
      hashbytes: '22'.repeat(32),
    });
    expect((await c.getWithdrawalRequest(2n))?.status).toBe('pending');
    expect((await c.getWithdrawalRequest(3n))?.status).toBe('rejected');
    expect(await c.getWithdrawalRequest(4n)).toBeUndefined();
    expect((await c.getWithdrawalRequests(1n, 4n)).map((r) => [r.id, r.status])).toEqual([
      [1n, 'accepted'],
      [2n, 'pending'],
      [3n, 'rejected'],
    ]);
    expect(await c.getLastWithdrawalRequestId()).toBe(3n);
  });

  it('reads where an accepted request was swept, and the burn header', async () => {
    const { client: c } = client(routes());
    expect(await c.getWithdrawalSweep(1n)).toEqual({
      sweepTxid: scenario.sweepTxid,
      sweepBurnHash: scenario.burnHash,
      sweepBurnHeight: BigInt(scenario.burnHeight),
    });
    expect(await c.getWithdrawalSweep(2n)).toBeUndefined();
    expect(await c.getBurnHeader(scenario.burnHeight)).toBe(scenario.burnHash);
  });

  it('refuses id ranges that are empty or too large', async () => {
    const { client: c } = client(routes());
    await expect(c.getWithdrawalRequests(0n, 1n)).rejects.toThrow(RangeError);
    await expect(c.getWithdrawalRequests(3n, 2n)).rejects.toThrow(RangeError);
    await expect(c.getWithdrawalRequests(1n, 501n)).rejects.toThrow(RangeError);
  });

  it('uses configured contract names', async () => {
    const f = fixtureFetch([]);
    const c = createStacksClient({
      nodeUrl: BASE,
      network: 'mainnet',
      contracts: {
        address: 'SM3VDXK3WZZSA84XXFKAFAF15NNZX32CTSG82JFQ4',
        registry: 'other-registry',
      },
      fetch: f,
    });
    await expect(c.getSignerData()).rejects.toThrow();
    expect(f.calls[0]?.url).toBe(
      `${BASE}/v2/contracts/call-read/SM3VDXK3WZZSA84XXFKAFAF15NNZX32CTSG82JFQ4/other-registry/get-current-signer-data`,
    );
    expect(c.contractId('withdrawal')).toBe(
      'SM3VDXK3WZZSA84XXFKAFAF15NNZX32CTSG82JFQ4.sbtc-withdrawal',
    );
  });
});

describe('options', () => {
  const ok = {
    nodeUrl: BASE,
    network: 'devnet' as const,
    contracts: { address: scenario.deployer },
  };
  it('refuses bad options before any request', () => {
    expect(() => createStacksClient({ ...ok, nodeUrl: 'not a url' })).toThrow(/nodeUrl/);
    expect(() => createStacksClient({ ...ok, nodeUrl: 'ftp://127.0.0.1' })).toThrow(/nodeUrl/);
    expect(() => createStacksClient({ ...ok, contracts: { address: 'ST123' } })).toThrow(
      /contracts.address/,
    );
    expect(() =>
      createStacksClient({
        ...ok,
        contracts: { address: scenario.deployer, registry: 'bad name!' },
      }),
    ).toThrow(/contracts.registry/);
    // @ts-expect-error: unknown network
    expect(() => createStacksClient({ ...ok, network: 'regtest' })).toThrow(/network/);
    // @ts-expect-error: unknown option
    expect(() => createStacksClient({ ...ok, nodeURL: BASE })).toThrow(TypeError);
  });
});
