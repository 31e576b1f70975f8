import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { assembleMultisigCall, rotateKeysCall, signMultisigCall } from '@peg/stacks-client';
import { STACKS_COSIGN_REFUSALS, type StacksCosignRefusal, stacksTransactionId } from '@peg/wire';
import {
  AddressHashMode,
  AnchorMode,
  Cl,
  deserializeTransaction,
  makeUnsignedContractCall,
  makeUnsignedSTXTokenTransfer,
  Pc,
  PostConditionMode,
  type StacksTransactionWire,
} from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import { answerCosignRequest } from '../src/stacks-cosign/answer.ts';
import { checkCosignRequest } from '../src/stacks-cosign/check-request.ts';
import { CosignCollector } from '../src/stacks-cosign/collector.ts';
import { cosign } from '../src/stacks-cosign/cosign.ts';
import type { CosignExpectation } from '../src/stacks-cosign/expectation.ts';
import { signerPrincipal, signerSetHash } from '../src/stacks-cosign/signer-set.ts';
import {
  AGGREGATE,
  build,
  CONTRACTS,
  DEPLOYER,
  EXPECTED,
  FEE,
  KEYS,
  MAX_FEE,
  NONCE,
  SECRETS,
  SIGNERS,
  SPEC,
  secretOf,
  THRESHOLD,
} from './stacks-cosign-fixture.ts';

// Every refusal reason of the check, each from a valid rotate-keys with exactly one field
// tampered, and the proof that a refusal never signs.

/** The valid call through stacks.js directly, with extra builder options (sponsor, PCs). */
async function buildWith(extra: Record<string, unknown>): Promise<string> {
  const tx = await makeUnsignedContractCall({
    contractAddress: DEPLOYER,
    contractName: CONTRACTS.registry,
    functionName: SPEC.functionName,
    functionArgs: SPEC.functionArgs,
    publicKeys: KEYS,
    numSignatures: THRESHOLD,
    useNonSequentialMultiSig: true,
    nonce: NONCE,
    fee: FEE,
    network: 'devnet',
    postConditionMode: PostConditionMode.Allow,
    ...extra,
  });
  return tx.serialize();
}

/** The valid transaction, decoded, edited, encoded again. */
async function edited(edit: (tx: StacksTransactionWire) => void): Promise<string> {
  const tx = deserializeTransaction(await build());
  edit(tx);
  return tx.serialize();
}

const OTHER_KEY = '02' + 'c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5'; // 2G
const otherAggregate = rotateKeysCall({ keys: KEYS, aggregatePubkey: OTHER_KEY, threshold: 4 });

const cases: [string, () => Promise<string>, StacksCosignRefusal][] = [
  ['bytes left over after the transaction', async () => `${await build()}00`, 'undecodable'],
  ['truncated', async () => (await build()).slice(0, -2), 'undecodable'],
  ['uppercase hex', async () => (await build()).toUpperCase(), 'undecodable'],
  ['not hex at all', async () => 'zz', 'undecodable'],
  [
    'an STX transfer instead of a contract call',
    async () =>
      (
        await makeUnsignedSTXTokenTransfer({
          recipient: DEPLOYER,
          amount: 1n,
          publicKeys: KEYS,
          numSignatures: THRESHOLD,
          useNonSequentialMultiSig: true,
          nonce: NONCE,
          fee: FEE,
          network: 'devnet',
        })
      ).serialize(),
    'undecodable',
  ],
  ['built for mainnet', () => build({ network: 'mainnet' }), 'wrong-network'],
  [
    'another chain id only',
    () =>
      edited((tx) => {
        tx.chainId = 1;
      }),
    'wrong-network',
  ],
  [
    'keys in another order',
    () => build({ publicKeys: [...KEYS].reverse() }),
    'wrong-signer-principal',
  ],
  ['another threshold (3 of 5)', () => build({ threshold: 3 }), 'wrong-signer-principal'],
  [
    'a foreign key in the set',
    () => build({ publicKeys: [...KEYS.slice(0, 4), OTHER_KEY] }),
    'wrong-signer-principal',
  ],
  [
    'signatures required changed, keys hash kept',
    () =>
      edited((tx) => {
        (tx.auth.spendingCondition as { signaturesRequired: number }).signaturesRequired = 3;
      }),
    'wrong-signer-principal',
  ],
  [
    'sequential P2SH (same address, ordered signing)',
    () =>
      edited((tx) => {
        tx.auth.spendingCondition.hashMode = AddressHashMode.P2SH;
      }),
    'wrong-signer-principal',
  ],
  ['sponsored', () => buildWith({ sponsored: true }), 'wrong-signer-principal'],
  [
    'already carries the signatures',
    async () => {
      const tx = await build();
      return assembleMultisigCall(
        tx,
        KEYS,
        SECRETS.slice(0, 4).map((s) => signMultisigCall(tx, bytesToHex(s))),
      ).txHex;
    },
    'already-signed',
  ],
  ['another contract name', () => build({ contractName: CONTRACTS.withdrawal }), 'wrong-contract'],
  [
    'another contract address',
    () => build({ contractAddress: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5' }),
    'wrong-contract',
  ],
  [
    'another function, same arguments',
    () => build({ spec: { ...SPEC, functionName: 'rotate-keys-now' } }),
    'wrong-function',
  ],
  ['another aggregate key', () => build({ spec: otherAggregate }), 'wrong-arguments'],
  [
    'the key list in another order',
    () =>
      build({
        spec: rotateKeysCall({
          keys: [...KEYS].reverse(),
          aggregatePubkey: AGGREGATE,
          threshold: 4,
        }),
      }),
    'wrong-arguments',
  ],
  [
    'another threshold argument',
    () => build({ spec: rotateKeysCall({ keys: KEYS, aggregatePubkey: AGGREGATE, threshold: 5 }) }),
    'wrong-arguments',
  ],
  [
    'a uint where an int was (same value)',
    () =>
      build({
        spec: { ...SPEC, functionArgs: [...SPEC.functionArgs.slice(0, 2), Cl.int(THRESHOLD)] },
      }),
    'wrong-arguments',
  ],
  [
    'one argument more',
    () => build({ spec: { ...SPEC, functionArgs: [...SPEC.functionArgs, Cl.uint(0)] } }),
    'wrong-arguments',
  ],
  [
    'one argument fewer',
    () => build({ spec: { ...SPEC, functionArgs: SPEC.functionArgs.slice(0, 2) } }),
    'wrong-arguments',
  ],
  ['the next nonce but one', () => build({ nonce: NONCE + 1n }), 'wrong-nonce'],
  ['an old nonce', () => build({ nonce: NONCE - 1n }), 'wrong-nonce'],
  ['fee zero', () => build({ fee: 0n }), 'fee-out-of-range'],
  ['fee one above the maximum', () => build({ fee: MAX_FEE + 1n }), 'fee-out-of-range'],
  [
    'a post condition (Allow mode)',
    () => buildWith({ postConditions: [Pc.principal(DEPLOYER).willSendLte(1).ustx()] }),
    'unexpected-post-conditions',
  ],
  [
    'Deny mode',
    () =>
      edited((tx) => {
        tx.postConditionMode = PostConditionMode.Deny;
      }),
    'unexpected-post-conditions',
  ],
  [
    'microblock-only anchor mode',
    () =>
      edited((tx) => {
        tx.anchorMode = AnchorMode.OffChainOnly;
      }),
    'unsupported-anchor-mode',
  ],
];

describe('checkCosignRequest', () => {
  it('accepts the coordinator’s unsigned rotate-keys, and buildWith() builds the same bytes', async () => {
    const tx = await build();
    expect(checkCosignRequest(tx, EXPECTED, 'devnet')).toEqual({ ok: true });
    expect(await buildWith({})).toBe(tx);
    // the maximum fee itself, on-chain-only anchoring, and `testnet` (same chain id) are fine
    expect(checkCosignRequest(await build({ fee: MAX_FEE }), EXPECTED, 'devnet').ok).toBe(true);
    const onChain = await edited((t) => {
      t.anchorMode = AnchorMode.OnChainOnly;
    });
    expect(checkCosignRequest(onChain, EXPECTED, 'devnet').ok).toBe(true);
    expect(checkCosignRequest(tx, EXPECTED, 'testnet').ok).toBe(true);
  });

  for (const [name, make, reason] of cases) {
    it(`${name}: refused as ${reason}, and never signed`, async () => {
      const tx = await make();
      const check = checkCosignRequest(tx, EXPECTED, 'devnet');
      expect(check).toEqual({ ok: false, reason, detail: expect.any(String) });
      if (!/^(?:[0-9a-f]{2})+$/.test(tx)) {
        // not what the wire delivers (lowercase hex): a caller bug, thrown, never signed
        expect(() => answerCosignRequest(tx, EXPECTED, 'devnet', SECRETS[0]!)).toThrow(TypeError);
        return;
      }
      const answer = answerCosignRequest(tx, EXPECTED, 'devnet', SECRETS[0]!);
      expect(answer.payload.result).toEqual({ type: 'refused', reason });
      expect(answer.detail).toBe(check.ok ? '' : check.detail);
    });
  }

  it('every reason of the wire list is either a table row above or an answer-level refusal', () => {
    const tested = new Set<string>([
      ...cases.map(([, , r]) => r),
      'unexpected-call',
      'not-a-signer',
    ]);
    expect([...tested].sort()).toEqual([...STACKS_COSIGN_REFUSALS].sort());
  });

  it('a refusal for the wrong network when the expectation is mainnet', async () => {
    expect(checkCosignRequest(await build(), EXPECTED, 'mainnet')).toMatchObject({
      ok: false,
      reason: 'wrong-network',
    });
  });

  it('refuses a bad expectation at the boundary (a caller bug), naming the field', async () => {
    const tx = await build();
    const bad = (e: Partial<CosignExpectation>) => ({ ...EXPECTED, ...e }) as CosignExpectation;
    expect(() => checkCosignRequest(tx, bad({ nonce: 1 as never }), 'devnet')).toThrow(/nonce/);
    expect(() => checkCosignRequest(tx, bad({ maxFee: 0n }), 'devnet')).toThrow(/maxFee/);
    expect(() =>
      checkCosignRequest(tx, bad({ signers: { publicKeys: KEYS, threshold: 6 } }), 'devnet'),
    ).toThrow(/threshold/);
    expect(() =>
      checkCosignRequest(
        tx,
        bad({ signers: { publicKeys: [KEYS[0]!, KEYS[0]!], threshold: 1 } }),
        'devnet',
      ),
    ).toThrow(/duplicate/);
    expect(() =>
      checkCosignRequest(
        tx,
        bad({ signers: { publicKeys: [KEYS[0]!.toUpperCase()], threshold: 1 } }),
        'devnet',
      ),
    ).toThrow(/publicKeys\[0\]/);
  });
});

describe('answerCosignRequest', () => {
  it('signs the expected transaction: its key, a signature the collector accepts', async () => {
    const tx = await build();
    const answer = answerCosignRequest(tx, EXPECTED, 'devnet', SECRETS[2]!);
    expect(answer.detail).toBe('');
    expect(answer.payload.transactionId).toBe(bytesToHex(stacksTransactionId(hexToBytes(tx))));
    expect(answer.payload.result).toMatchObject({ type: 'signed', publicKey: KEYS[2] });
    expect(answer.payload.result).toEqual({ type: 'signed', ...cosign(tx, SECRETS[2]!) });
    const collector = new CosignCollector(tx, SIGNERS);
    expect(collector.add(3, answer.payload)).toEqual({ status: 'signed' });
  });

  it('refuses unexpected-call when the signer expects nothing, whatever the bytes', async () => {
    for (const tx of [await build(), 'ab']) {
      expect(answerCosignRequest(tx, undefined, 'devnet', SECRETS[0]!).payload.result).toEqual({
        type: 'refused',
        reason: 'unexpected-call',
      });
    }
  });

  it('refuses not-a-signer when its own key is not in the set', async () => {
    const answer = answerCosignRequest(await build(), EXPECTED, 'devnet', secretOf('outsider'));
    expect(answer.payload.result).toEqual({ type: 'refused', reason: 'not-a-signer' });
  });

  it('never puts the secret key in an error', async () => {
    const secret = secretOf('never-shown');
    const hex = bytesToHex(secret);
    const single = await buildWith({ publicKeys: [KEYS[0]], numSignatures: 1 });
    const errors: unknown[] = [];
    for (const attempt of [
      () => cosign('zz', secret),
      () => cosign(single.slice(0, 40), secret),
      () => answerCosignRequest('not hex', EXPECTED, 'devnet', secret),
      () => answerCosignRequest('ab', { ...EXPECTED, maxFee: -1n }, 'devnet', secret),
      () => cosign(single, secret.slice(0, 31)),
    ]) {
      try {
        attempt();
        errors.push(new Error('did not throw'));
      } catch (e) {
        errors.push(e);
      }
    }
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      const text = `${(e as Error).message} ${(e as Error).stack} ${String((e as Error).cause)}`;
      expect(text).not.toContain(hex);
      expect(text).not.toContain('did not throw');
    }
  });
});

describe('the signer principal', () => {
  it('is the 4-of-5 SN... address the registry derives, and the hash the transaction carries', async () => {
    const tx = deserializeTransaction(await build());
    expect(tx.auth.spendingCondition.signer).toBe(signerSetHash(SIGNERS));
    expect(signerPrincipal(SIGNERS, 'devnet')).toMatch(/^SN/);
    expect(signerPrincipal(SIGNERS, 'mainnet')).toMatch(/^SM/);
    expect(signerPrincipal({ publicKeys: [...KEYS].reverse(), threshold: 4 }, 'devnet')).not.toBe(
      signerPrincipal(SIGNERS, 'devnet'),
    );
  });
});

// The @peg/wire golden pair (packages/wire/test/samples.ts, STACKS_COSIGN_SAMPLE), copied here:
// it must be what our builder and signer produce from the inputs its comment names.
const WIRE_SAMPLE_TRANSACTION =
  '80800000000405ed212cae8f89c40abb061efa62313896e2a6f4ed000000000000000100000000000027100000' +
  '00000004030100000000021a6d78de7b0625dfbfc16c3a8a5735f6dc3dc3f2ce0d736274632d72656769737472' +
  '790b726f746174652d6b657973000000030b00000005020000002102d7b1f0170a08b9a68af2bd0a305d9e30f0' +
  '57f6695b18dc35df5d52c69cc14b73020000002103c1e03eb66b6fdd84edc8d13b7a15fb9e780d5bb1685fe9ca' +
  'a771a1f3bbc9ee6e0200000021022af5f7143a22110783793dbabe7766fff085863e7fb44156ed1a91511012a1' +
  'b00200000021028bb5e5ff4d2e24d861c4a5d11f176e3d8ccd48da9615419c9e9f7b120dc06f14020000002102' +
  '4f985d1e3ea87a7ecb5b2f71938585cd1acb10ef797dfa85ed1e35dd47d171f9020000002103c1f62ace2af750' +
  '518b6cb02654f292cba5a79f613a41be6e27c9258e852c11590100000000000000000000000000000004';
const WIRE_SAMPLE_SIGNATURE =
  '01b157456681bd70d7bccefedd27d42b3d79e4cca3878cc6bb554cd9af967903f7' +
  '72f7d8fbbb6552feaba486d7e9ff058788666c6d696eed6d743e95411cc06719';

describe('the wire golden sample', () => {
  it('is our rotate-keys and signer 2’s signature of it', async () => {
    expect(await build()).toBe(WIRE_SAMPLE_TRANSACTION);
    expect(cosign(WIRE_SAMPLE_TRANSACTION, SECRETS[1]!)).toEqual({
      publicKey: KEYS[1],
      signature: WIRE_SAMPLE_SIGNATURE,
    });
  });
});
