/**
 * Conformance of the devnet's Stacks side, checked only with clients nobody here wrote:
 * `@stacks/transactions` builds, signs and broadcasts, `@stacks/blockchain-api-client` (the Hiro
 * API's own typed client) reads everything back, over real HTTP on 127.0.0.1.
 */
import { createClient } from '@stacks/blockchain-api-client';
import {
  broadcastTransaction,
  Cl,
  type ClarityValue,
  ClarityVersion,
  fetchCallReadOnlyFunction,
  getAddressFromPrivateKey,
  makeContractCall,
  makeContractDeploy,
  makeSTXTokenTransfer,
  PayloadType,
  PostConditionMode,
} from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../../src/devnet.ts';
import { STX_FAUCET_ADDRESS, STX_FAUCET_KEY } from '../../src/stacks/faucet.ts';
import { DEPLOYER_KEY, WALLET_1_KEY } from '../stacks-keys.ts';

const manifestPath = new URL('../fixtures/clarity/Clarinet.toml', import.meta.url).pathname;
let devnet: Devnet;
let api: ReturnType<typeof createClient>;
let node: { baseUrl: string };
const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
const FEE = 3_000;

beforeAll(async () => {
  devnet = await startDevnet({ manifestPath });
  api = createClient({ baseUrl: devnet.stacksUrl });
  node = { baseUrl: devnet.stacksUrl };
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

/** A contract every Clarity version runs: a counter that prints and takes STX into the contract. */
const source = (heightKeyword: string) => `
(define-data-var hits uint u0)
(define-public (hit (by uint))
  (begin
    (try! (stx-transfer? by tx-sender (as-contract tx-sender)))
    (var-set hits (+ (var-get hits) by))
    (print (tuple (topic "hit") (by by) (total (var-get hits))))
    (ok (var-get hits))))
(define-read-only (get-hits) (var-get hits))
(define-read-only (height) ${heightKeyword})
`;

async function nextNonce(address: string): Promise<number> {
  const { data } = await api.GET('/extended/v1/address/{principal}/nonces', {
    params: { path: { principal: address } },
  });
  return data!.possible_next_nonce;
}

async function send(tx: { txid(): string; serialize(): string }): Promise<string> {
  const res = await broadcastTransaction({
    transaction: tx as never,
    network: 'devnet',
    client: node,
  });
  expect(res).toEqual({ txid: tx.txid() });
  return tx.txid();
}

async function getTx(txid: string) {
  const { data, response } = await api.GET('/extended/v1/tx/{tx_id}', {
    params: { path: { tx_id: `0x${txid}` } },
  });
  expect(response.status).toBe(200);
  return data as unknown as Record<string, unknown> & { tx_status: string };
}

async function deploy(name: string, body: string, clarityVersion?: ClarityVersion) {
  return makeContractDeploy({
    contractName: name,
    codeBody: body,
    senderKey: DEPLOYER_KEY,
    network: 'devnet',
    nonce: await nextNonce(devnet.deployer),
    fee: 20_000,
    // An explicit `undefined` makes stacks.js build a plain (unversioned) deploy; left out, it
    // defaults to a versioned Clarity 3 one.
    clarityVersion,
    postConditionMode: PostConditionMode.Allow,
  });
}

// What the devnet claims (docs/chains.md): epoch 3.1, so Clarity 1, 2 and 3; a plain deploy is Clarity 3.
const VERSIONS = [ClarityVersion.Clarity1, ClarityVersion.Clarity2, ClarityVersion.Clarity3];
const deployed: { id: string; version: number }[] = [];

describe('Stacks conformance (stacks.js + blockchain-api-client over HTTP)', () => {
  it('deploys with each Clarity version the devnet claims, and a plain deploy as Clarity 3', async () => {
    const sent: { txid: string; id: string; version: number }[] = [];
    for (const version of [...VERSIONS, undefined]) {
      const name = `hits-v${version ?? 'plain'}`;
      // `block-height` is Clarity 1-2 only; Clarity 3 replaced it with `stacks-block-height`.
      const keyword =
        version === undefined || version >= 3 ? 'stacks-block-height' : 'block-height';
      const tx = await deploy(name, source(keyword), version);
      expect(tx.payload.payloadType).toBe(
        version === undefined ? PayloadType.SmartContract : PayloadType.VersionedSmartContract,
      );
      sent.push({ txid: await send(tx), id: `${devnet.deployer}.${name}`, version: version ?? 3 });
    }
    devnet.mine(1);
    for (const { txid, id, version } of sent) {
      const tx = await getTx(txid);
      expect(tx.tx_status, `${id}: ${JSON.stringify(tx.tx_result)}`).toBe('success');
      expect(tx.smart_contract).toMatchObject({ contract_id: id, clarity_version: version });
      const { data } = await api.GET('/extended/v1/contract/{contract_id}', {
        params: { path: { contract_id: id } },
      });
      expect(data).toMatchObject({
        tx_id: `0x${txid}`,
        contract_id: id,
        clarity_version: version,
        block_height: tx.block_height,
      });
      expect(JSON.parse(data!.abi!).functions.map((f: { name: string }) => f.name)).toContain(
        'hit',
      );
      deployed.push({ id, version });
    }
  });

  it('runs the version the payload names: a keyword of another version fails analysis', async () => {
    const v2WithV3Keyword = await deploy('v2-new-keyword', source('stacks-block-height'), 2);
    await send(v2WithV3Keyword);
    const v3WithV2Keyword = await deploy('v3-old-keyword', source('block-height'), 3);
    await send(v3WithV2Keyword);
    devnet.mine(1);
    // Refused by analysis for the keyword itself (not, say, for a Clarity version the epoch lacks).
    for (const [tx, keyword] of [
      [v2WithV3Keyword, 'stacks-block-height'],
      [v3WithV2Keyword, 'block-height'],
    ] as const) {
      const mined = await getTx(tx.txid());
      expect(mined.tx_status).toBe('abort_by_response');
      expect((mined.tx_result as { repr: string }).repr).toContain(keyword);
    }
  });

  it('refuses a Clarity version the devnet cannot run at broadcast, before fee and nonce', async () => {
    const nonce = await nextNonce(devnet.deployer);
    const before = await api.GET('/extended/v1/address/{principal}/stx', {
      params: { path: { principal: devnet.deployer } },
    });
    const tx = await deploy('too-new', source('stacks-block-height'), ClarityVersion.Clarity4);
    const res = await broadcastTransaction({ transaction: tx, network: 'devnet', client: node });
    expect(res).toMatchObject({ error: 'transaction rejected', reason: 'NotSupported' });
    expect(JSON.stringify(res)).toContain('Clarity 4');
    devnet.mine(1);
    expect(await nextNonce(devnet.deployer)).toBe(nonce);
    const after = await api.GET('/extended/v1/address/{principal}/stx', {
      params: { path: { principal: devnet.deployer } },
    });
    expect(after.data!.balance).toBe(before.data!.balance);
    const lookup = await api.GET('/extended/v1/tx/{tx_id}', {
      params: { path: { tx_id: tx.txid() } },
    });
    expect(lookup.response.status).toBe(404);
  });

  it('calls each contract and reads result, events, contract events and read-only state back', async () => {
    expect(deployed).toHaveLength(4);
    const txids: string[] = [];
    let nonce = await nextNonce(wallet);
    for (const { id } of deployed) {
      const [address, name] = id.split('.') as [string, string];
      const tx = await makeContractCall({
        contractAddress: address,
        contractName: name,
        functionName: 'hit',
        functionArgs: [Cl.uint(7)],
        senderKey: WALLET_1_KEY,
        network: 'devnet',
        nonce: nonce++,
        fee: FEE,
        postConditionMode: PostConditionMode.Allow,
      });
      txids.push(await send(tx));
    }
    devnet.mine(1);
    for (const [i, { id }] of deployed.entries()) {
      const tx = (await getTx(txids[i]!)) as unknown as { events: Record<string, unknown>[] };
      expect(tx).toMatchObject({ tx_status: 'success', tx_result: { repr: '(ok u7)' } });
      expect(tx.events.map((e) => e.event_type)).toEqual(['stx_asset', 'smart_contract_log']);
      expect(tx.events[0]).toMatchObject({
        event_index: 0,
        asset: { asset_event_type: 'transfer', sender: wallet, recipient: id, amount: '7' },
      });
      const { data: events } = await api.GET('/extended/v1/contract/{contract_id}/events', {
        params: { path: { contract_id: id }, query: { limit: 5, offset: 0 } },
      });
      const log = events!.results[0] as {
        tx_id: string;
        contract_log: { value: { repr: string } };
      };
      expect(log.tx_id).toBe(`0x${txids[i]}`);
      expect(log.contract_log.value.repr).toContain('(total u7)');
      const [address, name] = id.split('.') as [string, string];
      const hits = await fetchCallReadOnlyFunction({
        contractAddress: address,
        contractName: name,
        functionName: 'get-hits',
        functionArgs: [],
        senderAddress: wallet,
        network: 'devnet',
        client: node,
      });
      expect(hits).toEqual(Cl.uint(7));
    }
  });

  it('totals sent, received and fees in the balances, and they add up to the balance', async () => {
    for (const principal of [wallet, devnet.deployer, ...deployed.map((d) => d.id)]) {
      const { data } = await api.GET('/extended/v1/address/{principal}/balances', {
        params: { path: { principal } },
      });
      const stx = data!.stx;
      const [balance, sent, received, fees] = [
        stx.balance,
        stx.total_sent,
        stx.total_received,
        stx.total_fees_sent,
      ].map((v) => BigInt(v!)) as [bigint, bigint, bigint, bigint];
      expect(received - sent - fees, principal).toBe(balance);
    }
    const { data } = await api.GET('/extended/v1/address/{principal}/balances', {
      params: { path: { principal: wallet } },
    });
    // Four calls of 7 µSTX each, four fees; the genesis allocation received.
    expect(data!.stx).toMatchObject({
      total_sent: '28',
      total_fees_sent: String(4 * FEE),
      total_received: '100000000000000',
    });
    const contract = await api.GET('/extended/v1/address/{principal}/stx', {
      params: { path: { principal: deployed[0]!.id } },
    });
    expect(contract.data).toMatchObject({ balance: '7', total_received: '7', total_sent: '0' });
  });

  it('lists transactions: all, mempool, by address (v1 and v2)', async () => {
    const pending = await makeSTXTokenTransfer({
      recipient: devnet.deployer,
      amount: 1_000n,
      senderKey: WALLET_1_KEY,
      network: 'devnet',
      nonce: await nextNonce(wallet),
      fee: FEE,
    });
    await send(pending);
    const mempool = await api.GET('/extended/v1/tx/mempool', {
      params: { query: { sender_address: wallet } },
    });
    expect(mempool.data!.results.map((t) => t.tx_id)).toEqual([`0x${pending.txid()}`]);
    expect(mempool.data!.results[0]).toMatchObject({
      tx_status: 'pending',
      tx_type: 'token_transfer',
    });
    devnet.mine(1);
    const empty = await api.GET('/extended/v1/tx/mempool', {});
    expect(empty.data!.total).toBe(0);

    const all = await api.GET('/extended/v1/tx/', { params: { query: { limit: 50 } } });
    expect(all.data!.results[0]!.tx_id).toBe(`0x${pending.txid()}`); // newest first
    const calls = await api.GET('/extended/v1/tx/', {
      params: { query: { type: ['contract_call'] } },
    });
    expect(calls.data!.total).toBe(4);
    expect(calls.data!.results.every((t) => t.tx_type === 'contract_call')).toBe(true);

    const v1 = await api.GET('/extended/v1/address/{principal}/transactions', {
      params: { path: { principal: wallet }, query: { limit: 2, offset: 0 } },
    });
    expect(v1.data!.total).toBe(5);
    expect(v1.data!.results.map((t) => t.tx_id)[0]).toBe(`0x${pending.txid()}`);
    expect(v1.data!.results).toHaveLength(2);

    const v2 = await api.GET('/extended/v2/addresses/{address}/transactions', {
      params: { path: { address: wallet } },
    });
    expect(v2.data!.total).toBe(5);
    expect(v2.data!.results[0]).toMatchObject({
      tx: { tx_id: `0x${pending.txid()}` },
      stx_sent: String(1_000 + FEE),
      stx_received: '0',
      events: { stx: { transfer: 1, mint: 0, burn: 0 } },
    });
    // The contract principal sees the call that paid it.
    const contract = await api.GET('/extended/v2/addresses/{address}/transactions', {
      params: { path: { address: deployed[0]!.id } },
    });
    expect(contract.data!.results.map((r) => r.stx_received)).toEqual(['7', '0']);
  });

  it('totals fungible tokens sent and received', async () => {
    const token = await deploy(
      'pegtest-token',
      `(define-fungible-token pegtest)
       (define-public (mint (amount uint) (to principal)) (ft-mint? pegtest amount to))
       (define-public (send (amount uint) (to principal)) (ft-transfer? pegtest amount tx-sender to))`,
      ClarityVersion.Clarity3,
    );
    await send(token);
    devnet.mine(1);
    const call = async (key: string, fn: string, args: ClarityValue[]) => {
      const address = getAddressFromPrivateKey(key, 'testnet');
      return send(
        await makeContractCall({
          contractAddress: devnet.deployer,
          contractName: 'pegtest-token',
          functionName: fn,
          functionArgs: args,
          senderKey: key,
          network: 'devnet',
          nonce: await nextNonce(address),
          fee: FEE,
          postConditionMode: PostConditionMode.Allow,
        }),
      );
    };
    await call(DEPLOYER_KEY, 'mint', [Cl.uint(100), Cl.principal(wallet)]);
    devnet.mine(1);
    await call(WALLET_1_KEY, 'send', [Cl.uint(30), Cl.principal(devnet.deployer)]);
    devnet.mine(1);
    const assetId = `${devnet.deployer}.pegtest-token::pegtest`;
    const balances = async (principal: string) =>
      (
        await api.GET('/extended/v1/address/{principal}/balances', {
          params: { path: { principal } },
        })
      ).data!.fungible_tokens[assetId];
    expect(await balances(wallet)).toEqual({
      balance: '70',
      total_sent: '30',
      total_received: '100',
    });
    expect(await balances(devnet.deployer)).toEqual({
      balance: '30',
      total_sent: '0',
      total_received: '30',
    });
  });

  it('serves blocks, burn blocks, status and /v2/pox from the same tips', async () => {
    const blocks = await api.GET('/extended/v2/blocks/', { params: { query: { limit: 3 } } });
    const tip = blocks.data!.results[0]!;
    const status = await api.GET('/extended', {});
    expect(status.data!.chain_tip).toMatchObject({
      block_height: tip.height,
      block_hash: tip.hash,
    });
    // `/extended/v1/status` is the same answer under the path wallets ask for.
    const v1Status = await fetch(`${devnet.stacksUrl}/extended/v1/status`);
    expect(await v1Status.json()).toEqual(status.data);
    const one = await api.GET('/extended/v2/blocks/{height_or_hash}', {
      params: { path: { height_or_hash: String(tip.height) } },
    });
    expect(one.data).toMatchObject({ hash: tip.hash, tx_count: 1 });
    const burns = await api.GET('/extended/v2/burn-blocks/', { params: { query: { limit: 2 } } });
    const burnTip = burns.data!.results[0]!;
    expect(burnTip.burn_block_height).toBe(devnet.chains.ledger.height);
    expect(burns.data!.total).toBe(devnet.chains.ledger.height + 1);
    expect(tip.burn_block_height).toBeLessThanOrEqual(burnTip.burn_block_height);
    const pox = (await (await fetch(`${devnet.stacksUrl}/v2/pox`)).json()) as Record<
      string,
      unknown
    >;
    expect(pox).toMatchObject({
      contract_id: 'ST000000000000000000002AMW42H.pox-4',
      current_burnchain_block_height: devnet.chains.ledger.height,
      reward_cycle_length: expect.any(Number),
      current_cycle: { id: expect.any(Number), stacked_ustx: 0 },
    });
  });

  it('answers a malformed tx id with 400 and an unknown one with 404', async () => {
    const bad = await api.GET('/extended/v1/tx/{tx_id}', { params: { path: { tx_id: 'nope' } } });
    expect(bad.response.status).toBe(400);
    const unknown = await api.GET('/extended/v1/tx/{tx_id}', {
      params: { path: { tx_id: `0x${'ab'.repeat(32)}` } },
    });
    expect(unknown.response.status).toBe(404);
  });

  it('faucet: returns the txId of a real, mined transfer', async () => {
    const recipient = 'ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG';
    const res = await api.POST('/extended/v1/faucets/stx', {
      params: { query: { address: recipient } },
      body: null,
    });
    expect(res.data).toMatchObject({
      success: true,
      txId: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const tx = await getTx(res.data!.txId.slice(2));
    expect(tx).toMatchObject({
      tx_status: 'success',
      tx_type: 'token_transfer',
      token_transfer: { recipient_address: recipient, amount: '500000000' },
    });
    const { data } = await api.GET('/extended/v1/address/{principal}/balances', {
      params: { path: { principal: recipient } },
    });
    expect(data!.stx).toMatchObject({ balance: '500000000', total_received: '500000000' });
  });

  it('faucet: a transfer someone else signed with the public faucet key keeps nonces in order', async () => {
    const faucet = await api.GET('/extended/v1/address/{principal}/nonces', {
      params: { path: { principal: STX_FAUCET_ADDRESS } },
    });
    const start = faucet.data!.possible_next_nonce;
    const byHand = await makeSTXTokenTransfer({
      recipient: wallet,
      amount: 5n,
      senderKey: STX_FAUCET_KEY,
      network: 'devnet',
      nonce: start,
      fee: FEE,
    });
    await send(byHand);
    for (let i = 0; i < 2; i++) {
      const res = await api.POST('/extended/v1/faucets/stx', {
        params: { query: { address: wallet } },
        body: null,
      });
      expect((await getTx(res.data!.txId.slice(2))).tx_status).toBe('success');
    }
    expect((await getTx(byHand.txid())).tx_status).toBe('success');
    devnet.mine(1);
    const after = await api.GET('/extended/v1/address/{principal}/nonces', {
      params: { path: { principal: STX_FAUCET_ADDRESS } },
    });
    expect(after.data).toMatchObject({
      possible_next_nonce: start + 3,
      last_executed_tx_nonce: start + 2,
    });
  });

  it('answers routes it does not serve with 501 naming the endpoint', async () => {
    const res = await api.GET('/extended/v1/stx_supply/', {});
    expect(res.response.status).toBe(501);
    expect(res.error).toMatchObject({
      error: 'not implemented',
      message: expect.stringContaining('GET /extended/v1/stx_supply/'),
    });
  });
});
