import {
  AddressHashMode,
  AddressVersion,
  addressFromVersionHash,
  addressToString,
  broadcastTransaction,
  Cl,
  type ClarityValue,
  cvToString,
  deserializeTransaction,
  fetchCallReadOnlyFunction,
  fetchNonce,
  getAddressFromPrivateKey,
  type MultiSigSpendingCondition,
  makeContractCall,
  makeUnsignedContractCall,
  PostConditionMode,
  TransactionSigner,
} from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../src/devnet.ts';
import { DEPLOYER_KEY, testKey, WALLET_1_KEY } from './stacks-keys.ts';

const manifestPath = new URL('./fixtures/clarity/Clarinet.toml', import.meta.url).pathname;
let devnet: Devnet;
let client: { baseUrl: string };

beforeAll(async () => {
  devnet = await startDevnet({ manifestPath });
  client = { baseUrl: devnet.stacksUrl };
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

const get = async (path: string) =>
  (await fetch(`${devnet.stacksUrl}${path}`)).json() as Promise<Record<string, unknown>>;

async function counterCall(
  senderKey: string,
  nonce: number,
  fn = 'increment',
  args: ClarityValue[] = [Cl.uint(5)],
) {
  return makeContractCall({
    contractAddress: devnet.deployer,
    contractName: 'counter',
    functionName: fn,
    functionArgs: args,
    senderKey,
    network: 'devnet',
    nonce,
    fee: 2000,
    postConditionMode: PostConditionMode.Allow,
  });
}

describe('stacks api over the simnet', () => {
  it('knows the published devnet keys as the simnet accounts', () => {
    expect(getAddressFromPrivateKey(DEPLOYER_KEY, 'testnet')).toBe(devnet.deployer);
  });

  it('broadcasts, mines, and reports status, result, events and reads', async () => {
    const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
    expect(await fetchNonce({ address: wallet, network: 'devnet', client })).toBe(0n);
    const tx = await counterCall(WALLET_1_KEY, 0);
    const sent = await broadcastTransaction({ transaction: tx, network: 'devnet', client });
    expect(sent).toEqual({ txid: tx.txid() });
    // Raw bytes (application/octet-stream), as older clients send them: a duplicate now.
    const again = await fetch(`${devnet.stacksUrl}/v2/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from(tx.serialize(), 'hex'),
    });
    expect(await again.json()).toMatchObject({ error: 'transaction rejected', txid: tx.txid() });
    expect((await get(`/extended/v1/tx/0x${tx.txid()}`)).tx_status).toBe('pending');
    expect((await get(`/extended/v1/address/${wallet}/nonces`)).possible_next_nonce).toBe(1);

    const before = BigInt((await get(`/v2/accounts/${wallet}`)).balance as string);
    devnet.mine(1);
    const mined = await get(`/extended/v1/tx/${tx.txid()}`);
    expect(mined.tx_status).toBe('success');
    expect(mined.sender_address).toBe(wallet);
    expect(mined.contract_call).toMatchObject({
      contract_id: `${devnet.deployer}.counter`,
      function_name: 'increment',
      function_args: [{ repr: 'u5', name: 'by', type: 'uint' }],
    });
    expect((mined.tx_result as { repr: string }).repr).toBe('(ok u5)');
    expect(mined.burn_block_height).toBe(devnet.chains.ledger.height);
    const account = await get(`/v2/accounts/${wallet}`);
    expect(account.nonce).toBe(1);
    expect(before - BigInt(account.balance as string)).toBe(2000n); // the fee left the payer

    const events = await get(`/extended/v1/contract/${devnet.deployer}.counter/events`);
    const log = (
      events.results as { contract_log: { value: { repr: string } }; tx_id: string }[]
    )[0]!;
    expect(log.tx_id).toBe(`0x${tx.txid()}`);
    expect(log.contract_log.value.repr).toContain('topic "increment"');

    const count = await fetchCallReadOnlyFunction({
      contractAddress: devnet.deployer,
      contractName: 'counter',
      functionName: 'get-count',
      functionArgs: [Cl.principal(wallet)],
      senderAddress: wallet,
      network: 'devnet',
      client,
    });
    expect(cvToString(count)).toBe('u5');
  });

  it('reports an aborted call as abort_by_response and still consumes the nonce', async () => {
    const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
    const nonce = Number(await fetchNonce({ address: wallet, network: 'devnet', client }));
    const tx = await counterCall(WALLET_1_KEY, nonce, 'set-admin', [Cl.principal(wallet)]);
    await broadcastTransaction({ transaction: tx, network: 'devnet', client });
    devnet.mine(1);
    const mined = await get(`/extended/v1/tx/${tx.txid()}`);
    expect(mined.tx_status).toBe('abort_by_response');
    expect((mined.tx_result as { repr: string }).repr).toBe('(err u401)');
    expect(await fetchNonce({ address: wallet, network: 'devnet', client })).toBe(
      BigInt(nonce + 1),
    );
  });

  it('rejects a replayed or skipped nonce with BadNonce', async () => {
    const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
    const next = Number(await fetchNonce({ address: wallet, network: 'devnet', client }));
    const stale = await broadcastTransaction({
      transaction: await counterCall(WALLET_1_KEY, next - 1),
      network: 'devnet',
      client,
    });
    expect(stale).toMatchObject({
      error: 'transaction rejected',
      reason: 'BadNonce',
      reason_data: { expected: next, actual: next - 1, is_origin: true },
    });
    const gap = await broadcastTransaction({
      transaction: await counterCall(WALLET_1_KEY, next + 5),
      network: 'devnet',
      client,
    });
    expect(gap).toMatchObject({ reason: 'BadNonce' });
    expect(devnet.chains.chain.pending()).toHaveLength(0);
  });

  it('rejects a tampered signature with SignatureValidation', async () => {
    const tx = await counterCall(WALLET_1_KEY, 0);
    const hex = tx.serialize();
    // The origin signature sits right before the payload; flip a byte inside it.
    const sig = (tx.auth.spendingCondition as { signature: { data: string } }).signature.data;
    const at = hex.indexOf(sig) + 20;
    const tampered = hex.slice(0, at) + (hex[at] === 'a' ? 'b' : 'a') + hex.slice(at + 1);
    const res = await fetch(`${devnet.stacksUrl}/v2/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: tampered }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'transaction rejected',
      reason: 'SignatureValidation',
    });
  });

  it('rejects garbage, unknown contracts and ill-typed arguments', async () => {
    const res = await fetch(`${devnet.stacksUrl}/v2/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: '00ff' }),
    });
    expect(await res.json()).toMatchObject({ reason: 'Deserialization' });
    const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
    const nonce = Number(await fetchNonce({ address: wallet, network: 'devnet', client }));
    const badArg = await broadcastTransaction({
      transaction: await counterCall(WALLET_1_KEY, nonce, 'increment', [Cl.int(1)]),
      network: 'devnet',
      client,
    });
    expect(badArg).toMatchObject({ reason: 'BadFunctionArgument' });
    const noFn = await broadcastTransaction({
      transaction: await counterCall(WALLET_1_KEY, nonce, 'get-count', [Cl.principal(wallet)]),
      network: 'devnet',
      client,
    });
    expect(noFn).toMatchObject({ reason: 'NoSuchPublicFunction' });
  });

  it('runs a 2-of-3 multisig call as its SN principal, and refuses it with one signature', async () => {
    const keys = [testKey(1), testKey(2), testKey(3)];
    const unsigned = await makeUnsignedContractCall({
      contractAddress: devnet.deployer,
      contractName: 'counter',
      functionName: 'increment',
      functionArgs: [Cl.uint(7)],
      numSignatures: 2,
      publicKeys: keys.map((k) => k.pub),
      network: 'devnet',
      nonce: 0,
      fee: 3000,
      postConditionMode: PostConditionMode.Allow,
    });
    const condition = unsigned.auth.spendingCondition as MultiSigSpendingCondition;
    expect(condition.hashMode).toBe(AddressHashMode.P2SH);
    const principal = addressToString(
      addressFromVersionHash(AddressVersion.TestnetMultiSig, condition.signer),
    );

    // One signature only: the spending condition is incomplete.
    const half = deserializeTransaction(unsigned.serialize());
    new TransactionSigner(half).signOrigin(keys[0]!.priv);
    const refused = await broadcastTransaction({ transaction: half, network: 'devnet', client });
    expect(refused).toMatchObject({ reason: 'SignatureValidation' });

    // Unfunded: the fee cannot be paid.
    const full = deserializeTransaction(unsigned.serialize());
    const signer = new TransactionSigner(full);
    signer.signOrigin(keys[0]!.priv);
    signer.appendOrigin(keys[1]!.pub as never);
    signer.signOrigin(keys[2]!.priv);
    expect(
      await broadcastTransaction({ transaction: full, network: 'devnet', client }),
    ).toMatchObject({ reason: 'NotEnoughFunds' });

    const faucet = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=${principal}`, {
      method: 'POST',
    });
    expect(((await faucet.json()) as { success: boolean }).success).toBe(true);
    expect(await broadcastTransaction({ transaction: full, network: 'devnet', client })).toEqual({
      txid: full.txid(),
    });
    devnet.mine(1);
    const mined = await get(`/extended/v1/tx/${full.txid()}`);
    expect(mined).toMatchObject({ tx_status: 'success', sender_address: principal });
    expect(principal.startsWith('SN')).toBe(true);
  });

  it('takes addresses of every length: a hash with leading zero bits makes a shorter one', async () => {
    // c32 drops leading zero bits: 20-byte hashes give 38-40 characters after the "S".
    for (const hash of ['01' + 'ff'.repeat(19), '00'.repeat(19) + '01', 'ff'.repeat(20)]) {
      const address = addressToString(
        addressFromVersionHash(AddressVersion.TestnetSingleSig, hash),
      );
      const r = await fetch(
        `${devnet.stacksUrl}/extended/v1/faucets/stx?address=${address}&amount=5`,
        { method: 'POST' },
      );
      expect(r.status, address).toBe(200);
    }
    const bad = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=STZZZ`, {
      method: 'POST',
    });
    expect(bad.status).toBe(400);
  });

  it('shows Clarity the Bitcoin ledger blocks: burn header hash = getblockhash', async () => {
    devnet.mine(2);
    const height = devnet.chains.ledger.height;
    const rpc = await fetch(devnet.bitcoin.url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('devnet:devnet').toString('base64')}` },
      body: JSON.stringify({ id: 1, method: 'getblockhash', params: [height - 1] }),
    });
    const { result: hash } = (await rpc.json()) as { result: string };
    const header = await fetchCallReadOnlyFunction({
      contractAddress: devnet.deployer,
      contractName: 'counter',
      functionName: 'get-burn-header',
      functionArgs: [Cl.uint(height - 1)],
      senderAddress: devnet.deployer,
      network: 'devnet',
      client,
    });
    expect(cvToString(header)).toBe(`(some 0x${hash})`);
    const info = await get('/v2/info');
    expect(info.burn_block_height).toBe(height);
    // And a transaction asserting that hash on chain succeeds; a wrong hash aborts.
    const nonce = Number(await fetchNonce({ address: devnet.deployer, network: 'devnet', client }));
    const good = await counterCall(DEPLOYER_KEY, nonce, 'check-burn', [
      Cl.uint(height - 1),
      Cl.bufferFromHex(hash),
    ]);
    const bad = await counterCall(DEPLOYER_KEY, nonce + 1, 'check-burn', [
      Cl.uint(height - 1),
      Cl.bufferFromHex('00'.repeat(32)),
    ]);
    await broadcastTransaction({ transaction: good, network: 'devnet', client });
    await broadcastTransaction({ transaction: bad, network: 'devnet', client });
    devnet.mine(1);
    expect((await get(`/extended/v1/tx/${good.txid()}`)).tx_status).toBe('success');
    expect((await get(`/extended/v1/tx/${bad.txid()}`)).tx_result).toMatchObject({
      repr: '(err u402)',
    });
  });

  it('answers interface, map entry, data var and fee endpoints', async () => {
    const iface = await get(`/v2/contracts/interface/${devnet.deployer}/counter`);
    expect((iface.functions as { name: string }[]).map((f) => f.name)).toContain('increment');
    const wallet = getAddressFromPrivateKey(WALLET_1_KEY, 'testnet');
    const entry = await fetch(
      `${devnet.stacksUrl}/v2/map_entry/${devnet.deployer}/counter/counts?proof=0`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Cl.serialize(Cl.principal(wallet))),
      },
    );
    expect(cvToString(Cl.deserialize(((await entry.json()) as { data: string }).data))).toBe(
      '(some u5)',
    );
    const malformed = await fetch(
      `${devnet.stacksUrl}/v2/map_entry/${devnet.deployer}/counter/counts?proof=0`,
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '"0x0c' },
    );
    expect(malformed.status).toBe(400);
    const admin = await get(`/v2/data_var/${devnet.deployer}/counter/admin`);
    expect(cvToString(Cl.deserialize(admin.data as string))).toBe(devnet.deployer);
    const fees = await fetch(`${devnet.stacksUrl}/v2/fees/transaction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transaction_payload: '00', estimated_len: 300 }),
    });
    expect(
      (((await fees.json()) as { estimations: unknown }).estimations as { fee: number }[]).map(
        (e) => e.fee,
      ),
    ).toEqual([300, 600, 900]);
    expect((await fetch(`${devnet.stacksUrl}/extended/v1/tx/0x${'00'.repeat(32)}`)).status).toBe(
      404,
    );
  });
});
