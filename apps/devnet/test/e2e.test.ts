// End-to-end over the devnet, without the federation apps (issue 7, Proof, second bullet):
// DKG in-process with @peg/frost, signer keys registered and the aggregate key set by
// rotate-keys on Stacks, the wallet funded on the Bitcoin ledger, three withdrawal requests,
// the sweep built by @peg/bitcoin and signed input by input with the threshold key, broadcast,
// mined, the withdrawals completed on Stacks by a 2-of-3 multisig transaction, and balances
// checked on both chains. Everything goes through the devnet's HTTP interfaces.
import { schnorr } from '@noble/curves/secp256k1.js';
import {
  btcToSats,
  buildSweep,
  createBitcoinRpc,
  feeRateFromBtcPerKvb,
  finalizeSweep,
  REGTEST_NETWORK,
  recipientFromAddress,
  type Sweep,
  type WithdrawalRequest,
  walletAddress,
  walletDescriptor,
  walletUtxosFrom,
} from '@peg/bitcoin';
import { CONTRACT_NAMES } from '@peg/contracts';
import { type Key, taproot } from '@peg/frost';
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import {
  AddressVersion,
  addressFromVersionHash,
  addressToString,
  broadcastTransaction,
  Cl,
  ClarityType,
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
  type StacksTransactionWire,
  TransactionSigner,
} from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../src/devnet.ts';
import { segwitKey, tamperSignature, taprootKey } from './btc-helpers.ts';
import { DEPLOYER_KEY, testKey } from './stacks-keys.ts';

const { registry, token, withdrawal } = CONTRACT_NAMES;
const THRESHOLD = 2;

let devnet: Devnet;
let client: { baseUrl: string };
let rpc: ReturnType<typeof createBitcoinRpc>;

beforeAll(async () => {
  devnet = await startDevnet(); // @peg/contracts, in memory, mining on demand
  client = { baseUrl: devnet.stacksUrl };
  rpc = createBitcoinRpc({
    url: devnet.bitcoin.url,
    user: devnet.bitcoin.user,
    password: devnet.bitcoin.password,
  });
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

async function rpcCall(method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(devnet.bitcoin.url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${devnet.bitcoin.user}:${devnet.bitcoin.password}`).toString('base64')}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

async function mine(blocks = 1): Promise<void> {
  const res = await fetch(`${devnet.stacksUrl}/devnet/mine`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ blocks }),
  });
  expect(res.status).toBe(200);
}

async function fundStx(address: string): Promise<void> {
  const res = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=${address}`, {
    method: 'POST',
  });
  expect(res.status).toBe(200);
}

async function send(tx: StacksTransactionWire): Promise<string> {
  const res = await broadcastTransaction({ transaction: tx, network: 'devnet', client });
  if (!('txid' in res) || 'error' in res) throw new Error(`rejected: ${JSON.stringify(res)}`);
  return res.txid;
}

async function call(
  senderKey: string,
  contractName: string,
  functionName: string,
  functionArgs: ClarityValue[],
) {
  const address = getAddressFromPrivateKey(senderKey, 'testnet');
  const nonce = await fetchNonce({ address, network: 'devnet', client });
  return send(
    await makeContractCall({
      contractAddress: devnet.deployer,
      contractName,
      functionName,
      functionArgs,
      senderKey,
      network: 'devnet',
      nonce,
      fee: 5_000,
      postConditionMode: PostConditionMode.Allow,
    }),
  );
}

async function txStatus(txid: string): Promise<{ tx_status: string; tx_result: { repr: string } }> {
  return (await fetch(`${devnet.stacksUrl}/extended/v1/tx/${txid}`)).json() as never;
}

async function read(
  contractName: string,
  functionName: string,
  functionArgs: ClarityValue[] = [],
): Promise<ClarityValue> {
  return fetchCallReadOnlyFunction({
    contractAddress: devnet.deployer,
    contractName,
    functionName,
    functionArgs,
    senderAddress: devnet.deployer,
    network: 'devnet',
    client,
  });
}

const uintOf = (cv: ClarityValue): bigint => {
  if (cv.type === ClarityType.ResponseOk) return uintOf(cv.value);
  if (cv.type !== ClarityType.UInt) throw new Error(`expected a uint, got ${cvToString(cv)}`);
  return BigInt(cv.value);
};

/** FROST DKG among three parties, threshold two, with the standard taproot suite. */
function dkg(): Key[] {
  const signers = { min: THRESHOLD, max: 3 };
  const ids = [1, 2, 3].map((n) => taproot.Identifier.fromNumber(n));
  const round1 = ids.map((id) => taproot.DKG.round1(id, signers));
  const others = <T>(all: T[], i: number) => all.filter((_, j) => j !== i);
  const round2 = round1.map((p, i) =>
    taproot.DKG.round2(
      p.secret,
      others(round1, i).map((x) => x.public),
    ),
  );
  return round1.map((p, i) =>
    taproot.DKG.round3(
      p.secret,
      others(round1, i).map((x) => x.public),
      others(round2, i).map((m) => m[ids[i]!]!),
    ),
  );
}

/** A threshold Schnorr signature of `msg` by the parties `parties` (two of the three). */
function thresholdSign(keys: readonly Key[], msg: Uint8Array): Uint8Array {
  const nonces = keys.map((k) => taproot.commit(k.secret));
  const list = nonces.map((n) => n.commitments);
  const shares = Object.fromEntries(
    keys.map((k, i) => [
      k.secret.identifier,
      taproot.signShare(k.secret, k.public, nonces[i]!.nonces, list, msg),
    ]),
  );
  return taproot.aggregate(keys[0]!.public, list, msg, shares);
}

/** The sweep's unsigned transaction with the given key-path signatures, bypassing finalizeSweep's own check. */
function withSignatures(sweep: Sweep, sigs: readonly Uint8Array[]): string {
  const tx = Transaction.fromRaw(sweep.unsignedTx, { allowUnknownOutputs: true });
  sigs.forEach((sig, i) => {
    tx.updateInput(i, { finalScriptWitness: [sig] }, true);
  });
  return tx.hex;
}

describe('end to end over the devnet', () => {
  it('DKG, rotate-keys, fund, three withdrawals, threshold-signed sweep, multisig completion', {
    timeout: 240_000,
  }, async () => {
    // --- keys: the deployer (bootstrap signer principal), three signers, three requesters
    expect(getAddressFromPrivateKey(DEPLOYER_KEY, 'testnet')).toBe(devnet.deployer);
    const signerKeys = [testKey(21), testKey(22), testKey(23)];
    const signerAddresses = signerKeys.map((k) => getAddressFromPrivateKey(k.priv, 'testnet'));
    const requesterKeys = [testKey(31), testKey(32), testKey(33)];
    const requesters = requesterKeys.map((k) => getAddressFromPrivateKey(k.priv, 'testnet'));
    for (const a of [...signerAddresses, ...requesters]) await fundStx(a);

    // --- DKG in-process; the Taproot output key Q is x(group key) (the DKG output is tweaked)
    const keys = dkg();
    const groupKey = keys[0]!.public.commitments[0]!;
    for (const k of keys) expect(hex.encode(k.public.commitments[0]!)).toBe(hex.encode(groupKey));
    const outputKey = groupKey.slice(1);

    // --- admit the signers, each registers its own key, the deployer rotates to the new set
    for (const a of signerAddresses)
      await call(DEPLOYER_KEY, registry, 'set-signer-weight', [Cl.principal(a), Cl.uint(1)]);
    await mine();
    const registrations = await Promise.all(
      signerKeys.map((k) =>
        call(k.priv, registry, 'register-signer-key', [Cl.bufferFromHex(k.pub)]),
      ),
    );
    await mine();
    for (const txid of registrations) expect((await txStatus(txid)).tx_status).toBe('success');
    const rotation = await call(DEPLOYER_KEY, registry, 'rotate-keys', [
      Cl.list(signerKeys.map((k) => Cl.bufferFromHex(k.pub))),
      Cl.buffer(groupKey),
      Cl.uint(THRESHOLD),
    ]);
    await mine();
    expect(await txStatus(rotation)).toMatchObject({
      tx_status: 'success',
      tx_result: { repr: '(ok true)' },
    });
    expect(cvToString(await read(registry, 'get-current-aggregate-pubkey'))).toBe(
      `0x${hex.encode(groupKey)}`,
    );
    // Replaying the same aggregate key is refused by the contract (u402).
    const replay = await call(DEPLOYER_KEY, registry, 'rotate-keys', [
      Cl.list(signerKeys.map((k) => Cl.bufferFromHex(k.pub))),
      Cl.buffer(groupKey),
      Cl.uint(THRESHOLD),
    ]);
    await mine();
    expect((await txStatus(replay)).tx_status).toBe('abort_by_response');

    // The multisig of the signers' keys, as stacks.js builds it, is the new signer principal.
    const multisig = (nonce: bigint, functionName: string, functionArgs: ClarityValue[]) =>
      makeUnsignedContractCall({
        contractAddress: devnet.deployer,
        contractName: withdrawal,
        functionName,
        functionArgs,
        numSignatures: THRESHOLD,
        publicKeys: signerKeys.map((k) => k.pub),
        network: 'devnet',
        nonce,
        fee: 10_000,
        postConditionMode: PostConditionMode.Allow,
      });
    const probe = await multisig(0n, 'complete-withdrawals', [Cl.list([])]);
    const signerPrincipal = addressToString(
      addressFromVersionHash(
        AddressVersion.TestnetMultiSig,
        (probe.auth.spendingCondition as MultiSigSpendingCondition).signer,
      ),
    );
    expect(cvToString(await read(registry, 'get-current-signer-principal'))).toBe(signerPrincipal);
    await fundStx(signerPrincipal);

    // --- fund the peg wallet (P2TR key path of Q) on the Bitcoin ledger
    const wallet = walletAddress(outputKey, REGTEST_NETWORK);
    const WALLET_FUNDS = 100_000_000n;
    await rpcCall('faucet', [wallet, 1]);
    await mine();
    const utxos = walletUtxosFrom(
      (await rpc.scanTxOutSet([walletDescriptor(outputKey, REGTEST_NETWORK)])).unspents,
      outputKey,
    );
    expect(utxos.map((u) => u.amount)).toEqual([WALLET_FUNDS]);

    // --- three withdrawal requests on Stacks, to three kinds of Bitcoin recipients
    const recipients = [
      segwitKey(41).address,
      walletAddress(taprootKey(42).xonly, REGTEST_NETWORK),
      segwitKey(43).address,
    ];
    const amounts = [1_000_000n, 2_500_000n, 700_000n];
    const maxFee = 5_000n;
    const MINTED = 10_000_000n;
    for (const r of requesters)
      await call(DEPLOYER_KEY, token, 'protocol-mint', [Cl.uint(MINTED), Cl.principal(r)]);
    await mine();
    const supplyBefore = uintOf(await read(token, 'get-total-supply'));
    const initiated = await Promise.all(
      requesterKeys.map((k, i) => {
        const { version, hashbytes } = recipientFromAddress(recipients[i]!, REGTEST_NETWORK);
        return call(k.priv, withdrawal, 'initiate-withdrawal-request', [
          Cl.uint(amounts[i]!),
          Cl.tuple({ version: Cl.buffer(Uint8Array.of(version)), hashbytes: Cl.buffer(hashbytes) }),
          Cl.uint(maxFee),
        ]);
      }),
    );
    await mine();
    const ids: bigint[] = [];
    for (const txid of initiated) {
      const status = await txStatus(txid);
      expect(status.tx_status).toBe('success');
      ids.push(BigInt(/^\(ok u(\d+)\)$/.exec(status.tx_result.repr)![1]!));
    }
    for (const [i, r] of requesters.entries()) {
      expect(uintOf(await read(token, 'get-balance-locked', [Cl.principal(r)]))).toBe(
        amounts[i]! + maxFee,
      );
    }

    // --- the coordinator's view: requests from the contract, UTXOs and fee rate from bitcoind
    const requests: WithdrawalRequest[] = [];
    for (const id of ids) {
      const cv = await read(registry, 'get-withdrawal-request', [Cl.uint(id)]);
      if (cv.type !== ClarityType.OptionalSome || cv.value.type !== ClarityType.Tuple)
        throw new Error('request missing');
      const t = cv.value.value;
      const rec = t.recipient!;
      if (rec.type !== ClarityType.Tuple) throw new Error('recipient');
      const version = rec.value.version!;
      const hashbytes = rec.value.hashbytes!;
      if (version.type !== ClarityType.Buffer || hashbytes.type !== ClarityType.Buffer)
        throw new Error('recipient');
      requests.push({
        id,
        amount: uintOf(t.amount!),
        maxFee: uintOf(t['max-fee']!),
        recipient: {
          version: hex.decode(version.value)[0]!,
          hashbytes: hex.decode(hashbytes.value),
        },
      });
    }
    const feeRate = feeRateFromBtcPerKvb((await rpc.estimateSmartFee(1)).feerate!);
    const params = { utxos, requests, feeRate, changeOutputKey: outputKey };
    const sweep = buildSweep(params);
    expect(sweep.requests.map((r) => r.id)).toEqual(ids);

    // --- sign every input with the threshold key (signers 1 and 3 of 3)
    const signing = [keys[0]!, keys[2]!];
    const signatures = sweep.sighashes.map((h) => thresholdSign(signing, h));
    for (const [i, sig] of signatures.entries())
      expect(schnorr.verify(sig, sweep.sighashes[i]!, outputKey)).toBe(true);
    const signed = finalizeSweep(sweep, signatures);

    // --- the ledger refuses a tampered signature, a wrong-key signature and a double spend
    await expect(rpc.sendRawTransaction(tamperSignature(signed.hex))).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('Invalid Schnorr signature'),
    });
    const other = taproot.trustedDealer({ min: 2, max: 3 });
    const otherKeys = Object.values(other.secretShares)
      .slice(0, 2)
      .map((secret) => ({ public: other.public, secret }));
    const wrongKey = withSignatures(
      sweep,
      sweep.sighashes.map((h) => thresholdSign(otherKeys, h)),
    );
    await expect(rpc.sendRawTransaction(wrongKey)).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('Invalid Schnorr signature'),
    });

    const accepted = await rpc.testMempoolAccept([signed.hex]);
    expect(accepted[0]).toMatchObject({ allowed: true, txid: signed.txid });
    expect(await rpc.sendRawTransaction(signed.hex)).toBe(signed.txid);
    // A competing sweep of the same wallet UTXO at another fee rate, validly signed: a double spend.
    const rival = buildSweep({ ...params, feeRate: feeRate * 2 });
    const rivalSigned = finalizeSweep(
      rival,
      rival.sighashes.map((h) => thresholdSign(signing, h)),
    );
    await expect(rpc.sendRawTransaction(rivalSigned.hex)).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('txn-mempool-conflict'),
    });

    // --- mine the sweep; read where it landed
    await mine();
    const minedTx = await rpc.getRawTransactionVerbose(signed.txid);
    expect(minedTx.confirmations).toBe(1);
    const block = await rpc.getBlock(minedTx.blockhash!);
    await expect(rpc.sendRawTransaction(rivalSigned.hex)).rejects.toMatchObject({ code: -25 });

    // --- complete the three withdrawals on Stacks with a 2-of-3 multisig transaction
    const txidBytes = Cl.buffer(hex.decode(signed.txid));
    const entries = sweep.requests.map((r) =>
      Cl.tuple({
        'request-id': Cl.uint(r.id),
        status: Cl.bool(true),
        'signer-bitmap': Cl.uint(0b101),
        'bitcoin-txid': Cl.some(txidBytes),
        'output-index': Cl.some(Cl.uint(r.outputIndex)),
        fee: Cl.some(Cl.uint(r.fee)),
        'burn-hash': Cl.buffer(hex.decode(block.hash)),
        'burn-height': Cl.uint(block.height),
        'sweep-txid': Cl.some(txidBytes),
      }),
    );
    const nonce = await fetchNonce({ address: signerPrincipal, network: 'devnet', client });
    const unsigned = await multisig(nonce, 'complete-withdrawals', [Cl.list(entries)]);
    // Each signer signs in turn, passing the partly signed transaction on (as hex).
    const first = deserializeTransaction(unsigned.serialize());
    new TransactionSigner(first).signOrigin(signerKeys[0]!.priv);
    const second = deserializeTransaction(first.serialize());
    const signer2 = new TransactionSigner(second);
    signer2.appendOrigin(signerKeys[1]!.pub as never);
    signer2.signOrigin(signerKeys[2]!.priv);
    // One signature is not enough for the devnet either.
    expect(
      await broadcastTransaction({ transaction: first, network: 'devnet', client }),
    ).toMatchObject({ reason: 'SignatureValidation' });
    const completion = await send(second);
    await mine();
    expect(await txStatus(completion)).toMatchObject({
      tx_status: 'success',
      tx_result: { repr: '(ok u3)' },
    });
    const txSender = (
      (await (await fetch(`${devnet.stacksUrl}/extended/v1/tx/${completion}`)).json()) as {
        sender_address: string;
      }
    ).sender_address;
    expect(txSender).toBe(signerPrincipal);

    // --- balances on Bitcoin: each recipient paid exactly, the change back to the wallet
    for (const [i, address] of recipients.entries()) {
      const scan = await rpc.scanTxOutSet([`addr(${address})`]);
      expect(scan.unspents.map((u) => btcToSats(u.amount))).toEqual([amounts[i]!]);
    }
    const change = walletUtxosFrom(
      (await rpc.scanTxOutSet([walletDescriptor(outputKey, REGTEST_NETWORK)])).unspents,
      outputKey,
    );
    const paid = amounts.reduce((s, a) => s + a, 0n);
    expect(change.map((u) => u.amount)).toEqual([WALLET_FUNDS - paid - sweep.fee]);
    expect(change[0]!.txid).toBe(signed.txid);

    // --- balances on Stacks: locked sBTC burnt, the unused part of max-fee given back
    for (const [i, r] of requesters.entries()) {
      const fee = sweep.requests.find((s) => s.id === ids[i])!.fee;
      expect(fee).toBeLessThanOrEqual(maxFee);
      expect(uintOf(await read(token, 'get-balance-locked', [Cl.principal(r)]))).toBe(0n);
      expect(uintOf(await read(token, 'get-balance-available', [Cl.principal(r)]))).toBe(
        MINTED - amounts[i]! - fee,
      );
      const status = await read(registry, 'get-withdrawal-status', [Cl.uint(ids[i]!)]);
      expect(cvToString(status)).toBe('(some true)');
    }
    expect(uintOf(await read(token, 'get-total-supply'))).toBe(supplyBefore - paid - sweep.fee);
  });
});
