import type { Simnet } from '@stacks/clarinet-sdk';
import { Cl, cvToValue } from '@stacks/transactions';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY_ERRORS as E } from '../src/index.ts';
import {
  accounts,
  addressOf,
  aggregateKey,
  call,
  errCode,
  freshSimnet,
  printEvents,
  REGISTRY,
  read,
  registerSigners,
  rotate,
  signerPrincipal,
  silencePrintEcho,
  testKey,
} from './helpers.ts';

let simnet: Simnet;
beforeAll(silencePrintEcho);
beforeEach(async () => {
  simnet = await freshSimnet();
});

describe('signer registration', () => {
  it('admits a signer, which registers and replaces its own key', () => {
    const { deployer } = accounts(simnet);
    const k1 = testKey('a');
    const k2 = testKey('b');
    const signer = addressOf(k1.publicKey);
    const admit = call(
      simnet,
      REGISTRY,
      'set-signer-weight',
      [Cl.principal(signer), Cl.uint(3)],
      deployer,
    );
    expect(admit.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(cvToValue(printEvents(admit.events)[0]!)).toMatchObject({
      topic: { value: 'signer-weight' },
      weight: { value: '3' },
    });

    const reg = call(
      simnet,
      REGISTRY,
      'register-signer-key',
      [Cl.bufferFromHex(k1.publicKey)],
      signer,
    );
    expect(reg.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(cvToValue(printEvents(reg.events)[0]!)).toMatchObject({
      topic: { value: 'signer-key-registered' },
      'public-key': { value: `0x${k1.publicKey}` },
    });
    expect(read(simnet, REGISTRY, 'get-signer-by-key', [Cl.bufferFromHex(k1.publicKey)])).toEqual(
      Cl.some(Cl.principal(signer)),
    );

    // replacing frees the old key
    const again = call(
      simnet,
      REGISTRY,
      'register-signer-key',
      [Cl.bufferFromHex(k2.publicKey)],
      signer,
    );
    expect(again.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(read(simnet, REGISTRY, 'get-signer-by-key', [Cl.bufferFromHex(k1.publicKey)])).toEqual(
      Cl.none(),
    );
    expect(read(simnet, REGISTRY, 'get-signer', [Cl.principal(signer)])).toEqual(
      Cl.some(
        Cl.tuple({ weight: Cl.uint(3), 'public-key': Cl.some(Cl.bufferFromHex(k2.publicKey)) }),
      ),
    );
    // registering the same key again is a no-op success
    expect(
      call(simnet, REGISTRY, 'register-signer-key', [Cl.bufferFromHex(k2.publicKey)], signer)
        .result,
    ).toEqual(Cl.ok(Cl.bool(true)));
  });

  it('lists the candidates for the next DKG with weights and keys', () => {
    const { deployer, wallet3 } = accounts(simnet);
    const signers = registerSigners(simnet, 2);
    call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(wallet3), Cl.uint(2)], deployer);
    call(
      simnet,
      REGISTRY,
      'set-signer-weight',
      [Cl.principal(signers[0]!.address), Cl.uint(5)],
      deployer,
    );
    expect(read(simnet, REGISTRY, 'get-signer-candidates', [])).toEqual(
      Cl.list([
        Cl.tuple({
          signer: Cl.principal(signers[0]!.address),
          weight: Cl.uint(5),
          'public-key': Cl.some(Cl.bufferFromHex(signers[0]!.publicKey)),
        }),
        Cl.tuple({
          signer: Cl.principal(signers[1]!.address),
          weight: Cl.uint(1),
          'public-key': Cl.some(Cl.bufferFromHex(signers[1]!.publicKey)),
        }),
        Cl.tuple({ signer: Cl.principal(wallet3), weight: Cl.uint(2), 'public-key': Cl.none() }),
      ]),
    );
  });

  it('weight 0 removes a candidate and frees its key', () => {
    const { deployer } = accounts(simnet);
    const [s0, s1] = registerSigners(simnet, 2);
    const r = call(
      simnet,
      REGISTRY,
      'set-signer-weight',
      [Cl.principal(s0!.address), Cl.uint(0)],
      deployer,
    );
    expect(r.result).toEqual(Cl.ok(Cl.bool(true)));
    expect(read(simnet, REGISTRY, 'get-signer', [Cl.principal(s0!.address)])).toEqual(Cl.none());
    expect(read(simnet, REGISTRY, 'get-signer-by-key', [Cl.bufferFromHex(s0!.publicKey)])).toEqual(
      Cl.none(),
    );
    const candidates = read(simnet, REGISTRY, 'get-signer-candidates', []);
    expect(candidates.type === 'list' && candidates.value.length).toBe(1);
    // the freed key can now be taken by another signer
    expect(
      call(simnet, REGISTRY, 'register-signer-key', [Cl.bufferFromHex(s0!.publicKey)], s1!.address)
        .result,
    ).toEqual(Cl.ok(Cl.bool(true)));
  });

  it('refuses weights from anyone but the admin', () => {
    const { wallet1 } = accounts(simnet);
    expect(
      call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(wallet1), Cl.uint(1)], wallet1)
        .result,
    ).toEqual(errCode(E.UNAUTHORIZED));
  });

  it('refuses to remove a signer that is not a candidate', () => {
    const { deployer, wallet1 } = accounts(simnet);
    expect(
      call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(wallet1), Cl.uint(0)], deployer)
        .result,
    ).toEqual(errCode(E.NOT_A_CANDIDATE));
  });

  it('refuses a 16th candidate', () => {
    const { deployer } = accounts(simnet);
    for (let i = 0; i < 15; i++) {
      const address = addressOf(testKey(`many-${i}`).publicKey);
      expect(
        call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(address), Cl.uint(1)], deployer)
          .result,
      ).toEqual(Cl.ok(Cl.bool(true)));
    }
    const extra = addressOf(testKey('many-15').publicKey);
    expect(
      call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(extra), Cl.uint(1)], deployer)
        .result,
    ).toEqual(errCode(E.TOO_MANY_CANDIDATES));
  });

  it('refuses a key from an account that was not admitted', () => {
    const { wallet1 } = accounts(simnet);
    expect(
      call(
        simnet,
        REGISTRY,
        'register-signer-key',
        [Cl.bufferFromHex(testKey('x').publicKey)],
        wallet1,
      ).result,
    ).toEqual(errCode(E.NOT_A_CANDIDATE));
  });

  it('refuses malformed keys', () => {
    const { deployer, wallet1 } = accounts(simnet);
    call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(wallet1), Cl.uint(1)], deployer);
    const good = testKey('x').publicKey;
    for (const bad of [`04${good.slice(2)}`, good.slice(0, 64), '', `00${good.slice(2)}`]) {
      expect(
        call(simnet, REGISTRY, 'register-signer-key', [Cl.bufferFromHex(bad)], wallet1).result,
      ).toEqual(errCode(E.INVALID_PUBKEY));
    }
  });

  it("refuses another signer's key", () => {
    const { deployer, wallet1 } = accounts(simnet);
    const [s0] = registerSigners(simnet, 1);
    call(simnet, REGISTRY, 'set-signer-weight', [Cl.principal(wallet1), Cl.uint(1)], deployer);
    expect(
      call(simnet, REGISTRY, 'register-signer-key', [Cl.bufferFromHex(s0!.publicKey)], wallet1)
        .result,
    ).toEqual(errCode(E.KEY_IN_USE));
  });
});

describe('rotate-keys', () => {
  it('starts with the deployer as signer principal and no set', () => {
    expect(read(simnet, REGISTRY, 'get-current-signer-principal', [])).toEqual(
      Cl.principal(simnet.deployer),
    );
    expect(read(simnet, REGISTRY, 'get-current-signer-set', [])).toEqual(Cl.list([]));
    expect(read(simnet, REGISTRY, 'get-current-aggregate-pubkey', [])).toEqual(
      Cl.bufferFromHex('00'),
    );
    expect(
      read(simnet, REGISTRY, 'is-aggregate-pubkey-used', [Cl.bufferFromHex(aggregateKey('1'))]),
    ).toEqual(Cl.bool(false));
  });

  it('bootstraps from the deployer, then only the new multisig principal may rotate', () => {
    const { deployer } = accounts(simnet);
    const signers = registerSigners(simnet, 3);
    const keys = signers.map((s) => s.publicKey);
    const agg1 = aggregateKey('1');
    const r = call(
      simnet,
      REGISTRY,
      'rotate-keys',
      [Cl.list(keys.map((k) => Cl.bufferFromHex(k))), Cl.bufferFromHex(agg1), Cl.uint(2)],
      deployer,
    );
    expect(r.result).toEqual(Cl.ok(Cl.bool(true)));
    const principal = signerPrincipal(simnet);
    expect(principal.startsWith('SN')).toBe(true);
    const event = cvToValue(printEvents(r.events)[0]!);
    expect(event).toMatchObject({
      topic: { value: 'key-rotation' },
      'new-address': { value: principal },
      'new-aggregate-pubkey': { value: `0x${agg1}` },
      'new-signature-threshold': { value: '2' },
    });

    expect(read(simnet, REGISTRY, 'get-current-signer-data', [])).toEqual(
      Cl.tuple({
        'current-signer-set': Cl.list(keys.map((k) => Cl.bufferFromHex(k))),
        'current-aggregate-pubkey': Cl.bufferFromHex(agg1),
        'current-signer-principal': Cl.principal(principal),
        'current-signature-threshold': Cl.uint(2),
      }),
    );
    expect(read(simnet, REGISTRY, 'get-current-aggregate-pubkey', [])).toEqual(
      Cl.bufferFromHex(agg1),
    );
    expect(read(simnet, REGISTRY, 'is-aggregate-pubkey-used', [Cl.bufferFromHex(agg1)])).toEqual(
      Cl.bool(true),
    );

    // the deployer lost the right
    expect(rotate(simnet, deployer, keys, aggregateKey('2'), 2)).toEqual(errCode(E.UNAUTHORIZED));
    // the multisig rotates to a 2-signer set
    expect(rotate(simnet, principal, keys.slice(0, 2), aggregateKey('2'), 2)).toEqual(
      Cl.ok(Cl.bool(true)),
    );
    expect(signerPrincipal(simnet)).not.toBe(principal);
  });

  it('refuses a replayed aggregate key', () => {
    const { deployer } = accounts(simnet);
    const keys = registerSigners(simnet, 3).map((s) => s.publicKey);
    expect(rotate(simnet, deployer, keys, aggregateKey('1'), 2)).toEqual(Cl.ok(Cl.bool(true)));
    const principal = signerPrincipal(simnet);
    expect(rotate(simnet, principal, keys, aggregateKey('1'), 3)).toEqual(
      errCode(E.AGG_PUBKEY_REPLAY),
    );
  });

  it('refuses a threshold of half or less, or above the set size', () => {
    const { deployer } = accounts(simnet);
    const keys = registerSigners(simnet, 4).map((s) => s.publicKey);
    for (const t of [0, 1, 2, 5]) {
      expect(rotate(simnet, deployer, keys, aggregateKey('1'), t)).toEqual(
        errCode(E.INVALID_THRESHOLD),
      );
    }
    expect(rotate(simnet, deployer, keys, aggregateKey('1'), 3)).toEqual(Cl.ok(Cl.bool(true)));
  });

  it('refuses an empty set', () => {
    const { deployer } = accounts(simnet);
    expect(rotate(simnet, deployer, [], aggregateKey('1'), 1)).toEqual(
      errCode(E.INVALID_SIGNER_SET_SIZE),
    );
  });

  it('refuses a malformed aggregate key', () => {
    const { deployer } = accounts(simnet);
    const keys = registerSigners(simnet, 1).map((s) => s.publicKey);
    expect(rotate(simnet, deployer, keys, `05${aggregateKey('1').slice(2)}`, 1)).toEqual(
      errCode(E.INVALID_PUBKEY),
    );
    expect(rotate(simnet, deployer, keys, '02', 1)).toEqual(errCode(E.INVALID_PUBKEY));
  });

  it('refuses unregistered, malformed and duplicate set keys', () => {
    const { deployer } = accounts(simnet);
    const keys = registerSigners(simnet, 2).map((s) => s.publicKey);
    const agg = aggregateKey('1');
    expect(rotate(simnet, deployer, [...keys, testKey('stranger').publicKey], agg, 2)).toEqual(
      errCode(E.KEY_NOT_REGISTERED),
    );
    expect(rotate(simnet, deployer, [keys[0]!, keys[0]!], agg, 2)).toEqual(
      errCode(E.DUPLICATE_KEY),
    );
    expect(rotate(simnet, deployer, [keys[0]!, `04${keys[1]!.slice(2)}`], agg, 2)).toEqual(
      errCode(E.INVALID_PUBKEY),
    );
    // nothing changed
    expect(read(simnet, REGISTRY, 'get-current-aggregate-pubkey', [])).toEqual(
      Cl.bufferFromHex('00'),
    );
  });

  it('refuses a key whose signer was removed', () => {
    const { deployer } = accounts(simnet);
    const signers = registerSigners(simnet, 2);
    call(
      simnet,
      REGISTRY,
      'set-signer-weight',
      [Cl.principal(signers[1]!.address), Cl.uint(0)],
      deployer,
    );
    expect(
      rotate(
        simnet,
        deployer,
        signers.map((s) => s.publicKey),
        aggregateKey('1'),
        2,
      ),
    ).toEqual(errCode(E.KEY_NOT_REGISTERED));
  });

  it('accepts the 15-signer maximum', () => {
    const { deployer } = accounts(simnet);
    const keys = registerSigners(simnet, 15).map((s) => s.publicKey);
    expect(rotate(simnet, deployer, keys, aggregateKey('1'), 8)).toEqual(Cl.ok(Cl.bool(true)));
  });
});

describe('withdrawal storage is protocol-only', () => {
  it('refuses direct calls', () => {
    const { wallet1 } = accounts(simnet);
    const recipient = Cl.tuple({
      version: Cl.bufferFromHex('04'),
      hashbytes: Cl.bufferFromHex('11'.repeat(20)),
    });
    expect(
      call(
        simnet,
        REGISTRY,
        'create-withdrawal-request',
        [Cl.uint(1000), Cl.uint(10), Cl.principal(wallet1), recipient, Cl.uint(1)],
        wallet1,
      ).result,
    ).toEqual(errCode(E.UNAUTHORIZED));
    const h = Cl.bufferFromHex('00'.repeat(32));
    expect(
      call(
        simnet,
        REGISTRY,
        'complete-withdrawal-accept',
        [Cl.uint(1), h, Cl.uint(2), Cl.uint(0), Cl.uint(1), h, Cl.uint(1), h],
        simnet.deployer,
      ).result,
    ).toEqual(errCode(E.UNAUTHORIZED));
    expect(
      call(
        simnet,
        REGISTRY,
        'complete-withdrawal-reject',
        [Cl.uint(1), Cl.uint(0)],
        simnet.deployer,
      ).result,
    ).toEqual(errCode(E.UNAUTHORIZED));
    expect(read(simnet, REGISTRY, 'get-last-withdrawal-request-id', [])).toEqual(Cl.uint(0));
  });
});
