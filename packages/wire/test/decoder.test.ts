import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  defineLimits,
  N_HEX,
  type OpenResult,
  open,
  P_HEX,
  PROTOCOL_VERSION,
  seal,
} from '../src/index.ts';
import { clone, type Json, rawOf, signRaw } from './raw.ts';
import { COORDINATOR, failedDkgEnd, keyMap, publicKeyOf, sample, secretKeyOf } from './samples.ts';

// Bad inputs from attacks-and-faults.md ("Wire decoder"), each validly signed where it has a
// JSON form, so the rejection comes from the decoder and not from the signature check.

const keys = keyMap(5);
const coordinatorKey = publicKeyOf(COORDINATOR);
const openText = (text: string | Uint8Array, limits = defineLimits()) =>
  open(text, keys, { coordinatorKey, limits });

function code(result: OpenResult): string {
  return result.ok ? 'ok' : result.error.code;
}

type Raw = { [key: string]: Json };
type Edit = (raw: Raw) => void;
const payloadOf = (raw: Raw) => raw.payload as Raw;

/** Applies `edit` to a sample of `kind`, signs it as its sender, opens it. */
function openEdited(kind: Parameters<typeof sample>[0], edit: Edit): OpenResult {
  const message = sample(kind);
  const raw = clone(rawOf(message));
  edit(raw);
  return openText(signRaw(raw, message.sender.partyId));
}

const n = BigInt(`0x${N_HEX}`);
const hex32 = (value: bigint) => value.toString(16).padStart(64, '0');
const G = secp256k1.Point.BASE.toHex(true);

describe('structure', () => {
  const cases: [string, Parameters<typeof sample>[0], Edit][] = [
    [
      'unknown top-level member',
      'signer-ready',
      (r) => {
        r.extra = 1;
      },
    ],
    [
      'unknown payload member',
      'signer-ready',
      (r) => {
        payloadOf(r).extra = 1;
      },
    ],
    [
      '__proto__ member',
      'signer-ready',
      (r) => {
        Object.defineProperty(payloadOf(r), '__proto__', {
          value: { keyIds: [1] },
          enumerable: true,
        });
      },
    ],
    [
      'constructor member',
      'signer-ready',
      (r) => {
        Object.assign(payloadOf(r), { constructor: 1 });
      },
    ],
    [
      'missing member',
      'signer-ready',
      (r) => {
        delete r.chainTip;
      },
    ],
    [
      'missing payload member',
      'nonce-request',
      (r) => {
        delete payloadOf(r).rebuild;
      },
    ],
    [
      'missing dkgId on a dkg kind',
      'dkg-begin',
      (r) => {
        delete r.dkgId;
      },
    ],
    [
      'signId on a dkg kind',
      'dkg-begin',
      (r) => {
        r.signId = 1;
      },
    ],
    [
      'unknown kind',
      'signer-ready',
      (r) => {
        r.kind = 'signer-gone';
      },
    ],
    [
      'kind of another payload',
      'signer-ready',
      (r) => {
        r.kind = 'dkg-private-begin';
        r.dkgId = 1;
      },
    ],
    [
      'number as string',
      'dkg-begin',
      (r) => {
        r.dkgId = '7';
      },
    ],
    [
      'string as number',
      'signer-ready',
      (r) => {
        (r.sender as Raw).publicKey = 1;
      },
    ],
    [
      'array as object',
      'signer-ready',
      (r) => {
        r.payload = [1];
      },
    ],
    [
      'null',
      'signer-ready',
      (r) => {
        r.chainTip = null;
      },
    ],
    [
      'fractional number',
      'dkg-begin',
      (r) => {
        r.dkgId = 1.5;
      },
    ],
    [
      'negative number',
      'dkg-begin',
      (r) => {
        r.dkgId = -1;
      },
    ],
    [
      'integer above 2^32',
      'dkg-begin',
      (r) => {
        r.dkgId = 2 ** 32;
      },
    ],
    [
      'integer above 2^53',
      'nonce-request',
      (r) => {
        ((payloadOf(r).rebuild as Raw).withdrawalRequestIds as Json[]).push(2 ** 53 + 2);
      },
    ],
    [
      'uppercase hex',
      'signer-ready',
      (r) => {
        (r.chainTip as Raw).hash = ((r.chainTip as Raw).hash as string).toUpperCase();
      },
    ],
    [
      '0x prefix',
      'signer-ready',
      (r) => {
        (r.chainTip as Raw).hash = `0x${((r.chainTip as Raw).hash as string).slice(2)}`;
      },
    ],
    [
      'odd-length hex',
      'nonce-request',
      (r) => {
        (payloadOf(r).rebuild as Raw).unsignedTransaction += '0';
      },
    ],
    [
      '31-byte hash',
      'signer-ready',
      (r) => {
        (r.chainTip as Raw).hash = ((r.chainTip as Raw).hash as string).slice(2);
      },
    ],
    [
      'NUL in a string',
      'signer-ready',
      (r) => {
        r.kind = 'signer-ready\u0000';
      },
    ],
    [
      'look-alike kind',
      'signer-ready',
      (r) => {
        r.kind = 'signer\u2010ready';
      },
    ],
    [
      'empty payload for a kind with members',
      'signer-ready',
      (r) => {
        r.payload = {};
      },
    ],
  ];
  for (const [name, kind, edit] of cases) {
    it(name, () => {
      expect(code(openEdited(kind, edit))).toBe('invalid');
    });
  }

  it('deep nesting (10^4 levels)', () => {
    const good = new TextDecoder().decode(seal(sample('signer-ready'), secretKeyOf(2)));
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    expect(code(openText(good.replace('"keyIds":[2,3]', `"keyIds":${deep}`)))).toBe('invalid');
    expect(code(openText(good.replace('"keyIds":[2,3]', `"keyIds":[2,3],"x":${deep}`)))).toBe(
      'invalid',
    );
  });
  it('deep nesting up to the byte limit (about 2 million levels)', () => {
    const deep = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;
    expect(code(openText(deep))).toBe('invalid');
    const inside = `{"version":${PROTOCOL_VERSION},"kind":"signer-ready","payload":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    expect(code(openText(inside))).toBe('invalid');
  });
  it('the empty object', () => {
    expect(code(openText('{}'))).toBe('invalid');
  });
  it('not JSON, truncated, trailing bytes, BOM, invalid UTF-8', () => {
    const good = new TextDecoder().decode(seal(sample('signer-ready'), secretKeyOf(2)));
    expect(code(openText('nope'))).toBe('malformed');
    expect(code(openText(good.slice(0, -1)))).toBe('malformed');
    expect(code(openText(`${good} `))).toBe('non-canonical');
    expect(code(openText(`${good}{}`))).toBe('malformed');
    expect(code(openText(`\uFEFF${good}`))).toBe('malformed');
    const bytes = new TextEncoder().encode(good);
    const bad = new Uint8Array([...bytes.slice(0, 10), 0xc0, 0x80, ...bytes.slice(10)]);
    expect(code(openText(bad))).toBe('malformed');
  });
  it('NaN, Infinity, 1e400, -0 and exponents', () => {
    const good = new TextDecoder().decode(seal(sample('dkg-begin'), secretKeyOf(COORDINATOR)));
    expect(code(openText(good.replace('"dkgId":7', '"dkgId":NaN')))).toBe('malformed');
    expect(code(openText(good.replace('"dkgId":7', '"dkgId":1e400')))).toBe('invalid');
    expect(code(openText(good.replace('"dkgId":7', '"dkgId":7e0')))).toBe('non-canonical');
    expect(code(openText(good.replace('"dkgId":7', '"dkgId":7.0')))).toBe('non-canonical');
    const zero = rawOf(sample('dkg-begin'));
    (zero.chainTip as Raw).height = 0;
    const text = signRaw(zero, COORDINATOR);
    expect(code(openText(text))).toBe('ok');
    expect(code(openText(text.replace('"height":0', '"height":-0')))).toBe('non-canonical');
  });
  it('duplicate keys (JSON.parse keeps the last one)', () => {
    const good = new TextDecoder().decode(seal(sample('dkg-begin'), secretKeyOf(COORDINATOR)));
    expect(code(openText(good.replace('"dkgId":7', '"dkgId":8,"dkgId":7')))).toBe('non-canonical');
  });
  it('members out of order or with whitespace', () => {
    const good = new TextDecoder().decode(seal(sample('signer-ready'), secretKeyOf(2)));
    const parsed = JSON.parse(good);
    expect(code(openText(JSON.stringify(parsed, null, 1)))).toBe('non-canonical');
    const { version, ...rest } = parsed;
    expect(code(openText(JSON.stringify({ version, ...rest })))).toBe('non-canonical');
  });
  it('unknown versions', () => {
    for (const version of [0, 1, PROTOCOL_VERSION + 1, String(PROTOCOL_VERSION), null]) {
      const raw = rawOf(sample('signer-ready'));
      raw.version = version;
      expect(code(openText(signRaw(raw, 2)))).toBe('unsupported-version');
    }
    const missing = rawOf(sample('signer-ready'));
    delete missing.version;
    expect(code(openText(signRaw(missing, 2)))).toBe('invalid');
  });
});

describe('points and scalars', () => {
  const badPoints: [string, string][] = [
    ['identity 00', `00${'0'.repeat(64)}`],
    ['uncompressed', secp256k1.Point.BASE.toHex(false)],
    ['hybrid 06', `06${G.slice(2)}`],
    ['bad prefix ff', `ff${G.slice(2)}`],
    ['x = p', `02${P_HEX}`],
    ['x = p + 1', `02${(BigInt(`0x${P_HEX}`) + 1n).toString(16)}`],
    ['x with no square root', `02${hex32(5n)}`],
    ['32 bytes', G.slice(2)],
    ['34 bytes', `${G}00`],
  ];
  for (const [name, hex] of badPoints) {
    it(`compressed point: ${name}, in every compressed-point field`, () => {
      const edits: [Parameters<typeof sample>[0], Edit][] = [
        [
          'nonce-response',
          (r) => {
            ((payloadOf(r).nonces as Raw[])[0] as Raw).hiding = hex;
          },
        ],
        [
          'dkg-public-shares',
          (r) => {
            (payloadOf(r).proofOfKnowledge as Raw).R = hex;
          },
        ],
        [
          'dkg-public-shares',
          (r) => {
            (payloadOf(r).keyExchange as Raw).publicKey = hex;
          },
        ],
        [
          'dkg-end',
          (r) => {
            (payloadOf(r).status as Raw).groupKey = hex;
          },
        ],
        [
          'public-address-available',
          (r) => {
            payloadOf(r).aggregateKey = hex;
          },
        ],
      ];
      for (const [kind, edit] of edits) {
        expect(['invalid', 'invalid-point']).toContain(code(openEdited(kind, edit)));
      }
    });
  }

  const GU = secp256k1.Point.BASE.toHex(false);
  const y = BigInt(`0x${GU.slice(66)}`);
  const badUncompressed: [string, string][] = [
    ['compressed form', G],
    ['identity 00', `00${'0'.repeat(128)}`],
    ['04 and zeros', `04${'0'.repeat(128)}`],
    ['hybrid 06', `06${GU.slice(2)}`],
    ['hybrid 07', `07${GU.slice(2)}`],
    ['y + 1 (off the curve)', `${GU.slice(0, 66)}${hex32(y + 1n)}`],
    ['x = p', `04${P_HEX}${GU.slice(66)}`],
    [
      'y = p + y (not reduced)',
      `${GU.slice(0, 66)}${(BigInt(`0x${P_HEX}`) + y).toString(16).padStart(64, '0')}`,
    ],
    ['64 bytes', GU.slice(0, 128)],
    ['66 bytes', `${GU}00`],
  ];
  for (const [name, hex] of badUncompressed) {
    it(`uncompressed commitment: ${name}`, () => {
      const result = openEdited('dkg-public-shares', (r) => {
        (payloadOf(r).commitments as Json[])[1] = hex;
      });
      expect(['invalid', 'invalid-point']).toContain(code(result));
    });
  }
  it('an uncompressed commitment off the curve is found after the signature check', () => {
    const result = openEdited('dkg-public-shares', (r) => {
      (payloadOf(r).commitments as Json[])[0] = `${GU.slice(0, 66)}${hex32(y + 1n)}`;
    });
    expect(code(result)).toBe('invalid-point');
  });
  it('a point not on the curve is found after the signature check', () => {
    const result = openEdited('nonce-response', (r) => {
      ((payloadOf(r).nonces as Raw[])[0] as Raw).binding = `02${hex32(5n)}`;
    });
    expect(code(result)).toBe('invalid-point');
  });

  const badScalars: [string, string][] = [
    ['zero', hex32(0n)],
    ['n', hex32(n)],
    ['n + 1', hex32(n + 1n)],
    ['2^256 - 1', 'f'.repeat(64)],
  ];
  for (const [name, hex] of badScalars) {
    it(`scalar: ${name} in every scalar field`, () => {
      const edits: [Parameters<typeof sample>[0], Edit][] = [
        [
          'signature-share-response',
          (r) => {
            (payloadOf(r).shares as Json[])[0] = hex;
          },
        ],
        [
          'dkg-public-shares',
          (r) => {
            (payloadOf(r).proofOfKnowledge as Raw).z = hex;
          },
        ],
        [
          'dkg-public-shares',
          (r) => {
            ((payloadOf(r).keyExchange as Raw).proof as Raw).z = hex;
          },
        ],
      ];
      for (const [kind, edit] of edits) expect(code(openEdited(kind, edit))).toBe('invalid');
    });
  }
  it('scalar n - 1 is accepted', () => {
    expect(
      code(
        openEdited('signature-share-response', (r) => {
          (payloadOf(r).shares as Json[])[0] = hex32(n - 1n);
        }),
      ),
    ).toBe('ok');
  });
  it('a sender key that is not an x coordinate', () => {
    expect(
      code(
        openEdited('signer-ready', (r) => {
          (r.sender as Raw).publicKey = hex32(5n);
        }),
      ),
    ).toBe('invalid');
  });
});

describe('ids', () => {
  const cases: [string, Parameters<typeof sample>[0], Edit][] = [
    [
      'zero key id',
      'signer-ready',
      (r) => {
        payloadOf(r).keyIds = [0, 1];
      },
    ],
    [
      'zero dkg id',
      'dkg-begin',
      (r) => {
        r.dkgId = 0;
      },
    ],
    [
      'zero sign id',
      'nonce-response',
      (r) => {
        r.signId = 0;
      },
    ],
    [
      'zero iteration',
      'nonce-response',
      (r) => {
        r.iteration = 0;
      },
    ],
    [
      'zero party id',
      'signer-ready',
      (r) => {
        (r.sender as Raw).partyId = 0;
      },
    ],
    [
      'duplicate key id',
      'signer-ready',
      (r) => {
        payloadOf(r).keyIds = [2, 2];
      },
    ],
    [
      'unsorted key ids',
      'signer-ready',
      (r) => {
        payloadOf(r).keyIds = [3, 2];
      },
    ],
    [
      'empty key ids',
      'signer-ready',
      (r) => {
        payloadOf(r).keyIds = [];
      },
    ],
    [
      'duplicate party in DkgPrivateBegin',
      'dkg-private-begin',
      (r) => {
        payloadOf(r).partyIds = [1, 2, 2];
      },
    ],
    [
      'duplicate party in commitments',
      'signature-share-request',
      (r) => {
        const c = payloadOf(r).commitments as Json[];
        c[1] = clone(c[0] as Json);
      },
    ],
    [
      'key id under two parties',
      'signature-share-request',
      (r) => {
        ((payloadOf(r).commitments as Raw[])[1] as Raw).keyIds = [1];
      },
    ],
    [
      'key id under two parties (DkgBegin)',
      'dkg-begin',
      (r) => {
        ((payloadOf(r).parties as Raw[])[1] as Raw).keyIds = [1];
      },
    ],
    [
      'nonce count differs from message count',
      'signature-share-request',
      (r) => {
        (((payloadOf(r).commitments as Raw[])[0] as Raw).nonces as Json[]).pop();
      },
    ],
    [
      'duplicate recipient key id',
      'dkg-private-shares',
      (r) => {
        const s = payloadOf(r).shares as Raw[];
        (s[1] as Raw).keyShares = clone((s[0] as Raw).keyShares as Json);
      },
    ],
    [
      'duplicate withdrawal request id',
      'nonce-request',
      (r) => {
        (payloadOf(r).rebuild as Raw).withdrawalRequestIds = [3, 3];
      },
    ],
    [
      'failure reasons out of order',
      'dkg-end',
      (r) => {
        payloadOf(r).status = {
          type: 'failed',
          reasons: [
            { type: 'bad-public-shares', partyIds: [1] },
            { type: 'missing-public-shares', partyIds: [2] },
          ],
        };
      },
    ],
    [
      'empty failure reasons',
      'dkg-end',
      (r) => {
        payloadOf(r).status = { type: 'failed', reasons: [] };
      },
    ],
  ];
  for (const [name, kind, edit] of cases) {
    it(name, () => {
      expect(code(openEdited(kind, edit))).toBe('invalid');
    });
  }
});

describe('DKG echoes, equivocation evidence, complaints', () => {
  /** Applies `edit` to the failed DkgEnd sample, signs it as its sender, opens it. */
  const openFailedEdited = (edit: (reasons: Raw[]) => void): OpenResult => {
    const message = failedDkgEnd();
    const raw = clone(rawOf(message));
    edit((payloadOf(raw).status as Raw).reasons as Raw[]);
    return openText(signRaw(raw, message.sender.partyId));
  };
  const reason = (reasons: Raw[], type: string) => reasons.find((r) => r.type === type) as Raw;
  /** The issues of a refused envelope as "path: message" lines. */
  const issues = (result: OpenResult): string[] =>
    !result.ok && result.error.code === 'invalid'
      ? result.error.issues.map((i) => `${i.path}: ${i.message}`)
      : [`not invalid: ${code(result)}`];

  it('the samples open (the edits below are the only fault)', () => {
    expect(code(openEdited('dkg-private-begin', () => {}))).toBe('ok');
    expect(code(openEdited('dkg-end-begin', () => {}))).toBe('ok');
    expect(code(openFailedEdited(() => {}))).toBe('ok');
  });
  for (const kind of ['dkg-private-begin', 'dkg-end-begin'] as const) {
    it(`${kind}: one echo digest fewer or more than party ids`, () => {
      expect(issues(openEdited(kind, (r) => void (payloadOf(r).echo as Json[]).pop()))).toEqual([
        'payload.echo: echo must hold one digest per party id',
      ]);
      expect(
        issues(openEdited(kind, (r) => void (payloadOf(r).echo as Json[]).push(hex32(1n)))),
      ).toEqual(['payload.echo: echo must hold one digest per party id']);
    });
    it(`${kind}: an echo entry that is not 32 bytes, or no echo at all`, () => {
      expect(
        code(
          openEdited(kind, (r) => {
            (payloadOf(r).echo as Json[])[0] = 'ab'.repeat(31);
          }),
        ),
      ).toBe('invalid');
      expect(
        code(
          openEdited(kind, (r) => {
            delete payloadOf(r).echo;
          }),
        ),
      ).toBe('invalid');
    });
  }
  it('equivocation: one evidence envelope fewer or more than party ids', () => {
    const path = 'payload.status.reasons.5.evidence';
    expect(
      issues(
        openFailedEdited((reasons) => {
          reason(reasons, 'equivocation').evidence = [];
        }),
      ),
    ).toEqual([`${path}: evidence must hold one envelope per party id`]);
    expect(
      issues(
        openFailedEdited((reasons) => {
          const r = reason(reasons, 'equivocation');
          r.evidence = [...(r.evidence as Json[]), 'ab'];
        }),
      ),
    ).toEqual([`${path}: evidence must hold one envelope per party id`]);
  });
  it('equivocation: evidence that is empty, not hex, or missing', () => {
    for (const evidence of [[''], ['AB'], ['abc'], [null], null]) {
      expect(
        code(
          openFailedEdited((reasons) => {
            reason(reasons, 'equivocation').evidence = evidence;
          }),
        ),
        JSON.stringify(evidence),
      ).toBe('invalid');
    }
  });
  it('equivocation: the evidence is opened by the receiver, not by the decoder', () => {
    // A well-formed DkgEnd may carry any bytes as evidence: the decoder bounds them, the
    // receiver opens them. The sample's evidence is party 2's own sealed DkgPublicShares.
    const opened = openFailedEdited(() => {});
    if (!opened.ok || opened.value.kind !== 'dkg-end') throw new Error('sample does not open');
    const status = opened.value.payload.status;
    const eq =
      status.type === 'failed' ? status.reasons.find((r) => r.type === 'equivocation') : undefined;
    if (eq?.type !== 'equivocation') throw new Error('no equivocation reason');
    const evidence = open(eq.evidence[0] as Uint8Array, keys, { kinds: ['dkg-public-shares'] });
    expect(evidence.ok && evidence.value.sender.partyId).toBe(eq.partyIds[0]);
    expect(
      code(
        openFailedEdited((reasons) => {
          reason(reasons, 'equivocation').evidence = ['ab'];
        }),
      ),
    ).toBe('ok');
  });
  it('complaints: not strictly ascending by accused', () => {
    const message = 'complaints must be strictly ascending by accused (no duplicates)';
    const path = 'payload.status.reasons.7.complaints';
    const twice = (accused: [number, number]) => (reasons: Raw[]) => {
      const r = reason(reasons, 'complaints');
      const [first] = r.complaints as Raw[];
      r.complaints = accused.map((a) => ({ ...clone(first as Raw), accused: a }));
    };
    expect(code(openFailedEdited(twice([1, 2])))).toBe('ok');
    expect(issues(openFailedEdited(twice([2, 1])))).toEqual([`${path}: ${message}`]);
    expect(issues(openFailedEdited(twice([1, 1])))).toEqual([`${path}: ${message}`]);
  });
  it('complaints: a key id is no longer part of a complaint', () => {
    expect(
      code(
        openFailedEdited((reasons) => {
          ((reason(reasons, 'complaints').complaints as Raw[])[0] as Raw).keyId = 3;
        }),
      ),
    ).toBe('invalid');
  });
  it('complaints: at most maxParties of them', () => {
    const limits = defineLimits({ maxParties: 3 });
    const message = failedDkgEnd();
    const raw = clone(rawOf(message));
    const r = reason((payloadOf(raw).status as Raw).reasons as Raw[], 'complaints');
    const [first] = r.complaints as Raw[];
    const of = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ ...clone(first as Raw), accused: i + 1 }));
    r.complaints = of(3);
    expect(code(openText(signRaw(raw, message.sender.partyId), limits))).toBe('ok');
    r.complaints = of(4);
    expect(code(openText(signRaw(raw, message.sender.partyId), limits))).toBe('invalid');
  });
});

describe('limits', () => {
  const small = defineLimits({
    maxParties: 3,
    maxKeyIds: 4,
    maxMessagesPerRound: 2,
    maxCiphertextBytes: 40,
  });
  const openSmall = (kind: Parameters<typeof sample>[0], edit: Edit) => {
    const message = sample(kind);
    const raw = clone(rawOf(message));
    edit(raw);
    return open(signRaw(raw, message.sender.partyId), keys, { limits: small });
  };
  it('within limits passes', () => {
    expect(code(openSmall('signature-share-request', () => {}))).toBe('ok');
  });
  it('too many parties', () => {
    expect(
      code(
        openSmall('dkg-private-begin', (r) => {
          payloadOf(r).partyIds = [1, 2, 3, 4];
          (payloadOf(r).echo as Json[]).push(hex32(4n));
        }),
      ),
    ).toBe('invalid');
  });
  it('too many commitment points (threshold over maxKeyIds)', () => {
    expect(
      code(
        openSmall('dkg-public-shares', (r) => {
          payloadOf(r).commitments = Array(5).fill(secp256k1.Point.BASE.toHex(false));
        }),
      ),
    ).toBe('invalid');
  });
  it('too many messages', () => {
    expect(
      code(
        openSmall('nonce-request', (r) => {
          (payloadOf(r).messages as Json[]).push(hex32(1n));
        }),
      ),
    ).toBe('invalid');
  });
  it('oversize ciphertext', () => {
    expect(
      code(
        openSmall('dkg-private-shares', (r) => {
          ((((payloadOf(r).shares as Raw[])[0] as Raw).keyShares as Raw[])[0] as Raw).ciphertext =
            'ab'.repeat(41);
        }),
      ),
    ).toBe('invalid');
  });
  it('a million-entry list is rejected: by size, or by its length when bytes allow it', () => {
    const result = openEdited('signer-ready', (r) => {
      payloadOf(r).keyIds = Array.from({ length: 1_000_000 }, (_, i) => i + 1);
    });
    expect(code(result)).toBe('oversize');
    const big = defineLimits({ maxBytes: 64 * 1024 * 1024 });
    const message = sample('signer-ready');
    const raw = clone(rawOf(message));
    payloadOf(raw).keyIds = Array.from({ length: 1_000_000 }, (_, i) => i + 1);
    const text = signRaw(raw, 2);
    const result2 = open(text, keys, { limits: big });
    expect(result2.ok).toBe(false);
    if (!result2.ok && result2.error.code === 'invalid') {
      expect(result2.error.issues).toEqual([
        expect.objectContaining({
          path: 'payload.keyIds',
          message: expect.stringMatching(/Too big/),
        }),
      ]);
    } else {
      throw new Error('expected invalid');
    }
  });
  it('oversize bytes are refused before parsing', () => {
    const tiny = defineLimits({ maxBytes: 100 });
    const bytes = seal(sample('signer-ready'), secretKeyOf(2));
    const result = open(bytes, keys, { limits: tiny });
    expect(result).toEqual({
      ok: false,
      error: { code: 'oversize', size: bytes.length, max: 100 },
    });
    expect(code(open('x'.repeat(101), keys, { limits: tiny }))).toBe('oversize');
  });
  it('defineLimits refuses nonsense', () => {
    expect(() => defineLimits({ maxParties: 0 })).toThrow(TypeError);
    expect(() => defineLimits({ maxBytes: 1.5 })).toThrow(TypeError);
  });
});

describe('proofs the wire checks', () => {
  it('a key announcement whose possession proof is by another key', () => {
    expect(
      code(
        openEdited('key-announcement', (r) => {
          (payloadOf(r) as Raw).messagingKey = (rawOf(sample('signer-ready')).sender as Raw)
            .publicKey as string;
        }),
      ),
    ).toBe('invalid-proof');
  });
  it('a key announcement replayed under another sequence', () => {
    expect(
      code(
        openEdited('key-announcement', (r) => {
          (payloadOf(r) as Raw).sequence = 2;
        }),
      ),
    ).toBe('invalid-proof');
  });
  it('an output key that is not the tweaked aggregate key', () => {
    expect(
      code(
        openEdited('public-address-available', (r) => {
          (payloadOf(r) as Raw).outputKey = G.slice(2);
        }),
      ),
    ).toBe('invalid-proof');
  });
  it('a non-P2TR address', () => {
    expect(
      code(
        openEdited('public-address-available', (r) => {
          (payloadOf(r) as Raw).address = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
        }),
      ),
    ).toBe('invalid');
  });
});

describe('nulls and wrong types inside lists never reach a refinement', () => {
  // biome-ignore lint/suspicious/noExplicitAny: free-form edits of raw JSON
  type Any = any;
  it('every list with an ordering or uniqueness rule', () => {
    for (const [kind, f] of [
      [
        'dkg-begin',
        (r: Any) => {
          r.payload.parties = [null, 1];
        },
      ],
      [
        'dkg-begin',
        (r: Any) => {
          r.payload.parties[1] = null;
        },
      ],
      [
        'signature-share-request',
        (r: Any) => {
          r.payload.commitments[1] = null;
        },
      ],
      [
        'signature-share-request',
        (r: Any) => {
          r.payload.commitments[1].keyIds = null;
        },
      ],
      [
        'signature-share-request',
        (r: Any) => {
          r.payload.commitments[1].nonces = null;
        },
      ],
      [
        'signature-share-request',
        (r: Any) => {
          r.payload.messages = null;
        },
      ],
      [
        'dkg-private-shares',
        (r: Any) => {
          r.payload.shares[1] = null;
        },
      ],
      [
        'dkg-private-shares',
        (r: Any) => {
          r.payload.shares[1].keyShares = null;
        },
      ],
      [
        'dkg-private-shares',
        (r: Any) => {
          r.payload.shares[1].keyShares = [null];
        },
      ],
      [
        'dkg-end',
        (r: Any) => {
          r.payload.status = {
            type: 'failed',
            reasons: [null, { type: 'equivocation', partyIds: [1] }],
          };
        },
      ],
      [
        'dkg-end',
        (r: Any) => {
          r.payload.status = {
            type: 'failed',
            reasons: [{ type: 'complaints', complaints: [null, 1] }],
          };
        },
      ],
      [
        'dkg-end',
        (r: Any) => {
          r.payload.status.keyIdPublicShares = [null, 2];
        },
      ],
      [
        'dkg-private-begin',
        (r: Any) => {
          r.payload.echo = [null, 1, 'x'];
        },
      ],
      [
        'dkg-end-begin',
        (r: Any) => {
          r.payload.partyIds = null;
        },
      ],
      [
        'dkg-end-begin',
        (r: Any) => {
          r.payload.echo = { length: 3 };
        },
      ],
      [
        'dkg-end',
        (r: Any) => {
          r.payload.status = {
            type: 'failed',
            reasons: [{ type: 'equivocation', partyIds: [1], evidence: { length: 1 } }],
          };
        },
      ],
      [
        'dkg-end',
        (r: Any) => {
          r.payload.status = {
            type: 'failed',
            reasons: [{ type: 'equivocation', partyIds: null, evidence: [null] }],
          };
        },
      ],
      [
        'nonce-request',
        (r: Any) => {
          r.payload.rebuild.withdrawalRequestIds = [null, 'x'];
        },
      ],
    ] as const) {
      const m = sample(kind as Parameters<typeof sample>[0]);
      const raw = rawOf(m);
      f(raw as Any);
      const res = open(signRaw(raw, m.sender.partyId), keys);
      expect(res.ok ? 'ok' : res.error.code, `${kind} ${f}`).toBe('invalid');
    }
  });
});
