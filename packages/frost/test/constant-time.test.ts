/**
 * Secret-derived scalars reach only constant-time code (issue 11). Every scalar multiplication of
 * the package goes through four functions of `src/math/point.ts` or the MSM of `src/math/msm.ts`
 * (the structural test below keeps it so); here those modules are wrapped to record what each
 * variable-time routine receives while the DKG handles secret shares, and the test checks that no
 * secret share, no weighted sum of them and no base-point term of a share check is among them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLayout,
  type DkgRound1,
  type DkgRound2,
  type DkgRound2State,
  dkgFinish,
  dkgRound1,
  dkgRound2,
  encryptShare,
  InvalidSecretShareError,
  secp256k1,
  taproot,
} from '../src/index.ts';
import { decodePoint } from '../src/math/point.ts';
import { decodeScalar } from '../src/math/scalar.ts';
import { tapTweak } from '../src/taproot.ts';

/** What the wrapped routines saw while `rec.on`. */
const rec = vi.hoisted(() => ({
  on: false,
  /** Scalars given to variable-time routines, with the points they multiplied. */
  publicCalls: [] as { points: unknown[]; scalars: bigint[] }[],
  /** Scalars given to the constant-time routines. */
  secretCalls: [] as bigint[],
}));

vi.mock('../src/math/point.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/math/point.ts')>();
  return {
    ...m,
    mulBasePublic: (k: bigint) => {
      if (rec.on) rec.publicCalls.push({ points: [m.G], scalars: [k] });
      return m.mulBasePublic(k);
    },
    mulPublic: (p: unknown, k: bigint) => {
      if (rec.on) rec.publicCalls.push({ points: [p], scalars: [k] });
      return m.mulPublic(p as never, k);
    },
    mulBaseSecret: (k: bigint) => {
      if (rec.on) rec.secretCalls.push(k);
      return m.mulBaseSecret(k);
    },
    mulSecret: (p: unknown, k: bigint) => {
      if (rec.on) rec.secretCalls.push(k);
      return m.mulSecret(p as never, k);
    },
  };
});
vi.mock('../src/math/msm.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/math/msm.ts')>();
  return {
    ...m,
    msm: (points: readonly unknown[], scalars: readonly bigint[]) => {
      if (rec.on) rec.publicCalls.push({ points: [...points], scalars: [...scalars] });
      return m.msm(points as never, scalars);
    },
  };
});

const { G, N } = await import('../src/math/point.ts').then(async (p) => ({
  G: p.G,
  N: (await import('../src/math/scalar.ts')).N,
}));

function recording<T>(f: () => T): T {
  rec.on = true;
  rec.publicCalls.length = 0;
  rec.secretCalls.length = 0;
  try {
    return f();
  } finally {
    rec.on = false;
  }
}

/**
 * Fails if any variable-time call saw one of `secrets` (mod n, or negated), or multiplied G by
 * anything but the public scalars `publicBase` (a BIP341 tweak).
 */
function expectNoSecretInVariableTime(
  secrets: readonly bigint[],
  publicBase: readonly bigint[] = [],
): void {
  const tainted = new Set<bigint>();
  for (const s of secrets) {
    const r = ((s % N) + N) % N;
    tainted.add(r);
    tainted.add((N - r) % N);
  }
  for (const call of rec.publicCalls) {
    for (const k of call.scalars) {
      const r = ((k % N) + N) % N;
      expect(tainted.has(r), 'a secret scalar reached a variable-time routine').toBe(false);
    }
  }
  // The secret side of every share check is the base-point term: it must be constant time.
  for (const call of rec.publicCalls)
    call.points.forEach((p, i) => {
      if ((p as typeof G).equals(G))
        expect(publicBase, 'G in a variable-time share check').toContain(call.scalars[i]);
    });
  // … and it is computed, in constant time, with a secret-derived scalar.
  expect(rec.secretCalls.length).toBeGreaterThan(0);
}

afterEach(() => {
  rec.on = false;
});

describe('RFC 9591 / ZF DKG: round3 checks secret shares in constant time', () => {
  for (const [name, frost] of [
    ['secp256k1', secp256k1],
    ['taproot', taproot],
  ] as const) {
    const signers = { min: 3, max: 4 };
    const ids = [1, 2, 3, 4].map((n) => frost.Identifier.fromNumber(n));
    const setup = () => {
      const r1 = ids.map((id) => frost.DKG.round1(id, signers));
      const r2 = r1.map((r, i) =>
        frost.DKG.round2(
          r.secret,
          r1.filter((_, j) => j !== i).map((o) => o.public),
        ),
      );
      return { r1, r2 };
    };

    it(`${name}: honest run`, () => {
      const { r1, r2 } = setup();
      const me = 3;
      const received = r2.filter((_, j) => j !== me).map((out) => out[ids[me]!]!);
      const shares = received.map((p) => decodeScalar(p.signingShare, 'share'));
      const key = recording(() =>
        frost.DKG.round3(
          r1[me]!.secret,
          r1.filter((_, j) => j !== me).map((o) => o.public),
          received,
        ),
      );
      const signingShare = decodeScalar(key.secret.signingShare, 'signingShare');
      let sum = 0n;
      for (const s of shares) sum += s;
      // The -TR suite tweaks the DKG output key with t = TapTweak(x(P)): public.
      const P = r1.map((r) => decodePoint(r.public.commitment[0], 'C0')).reduce((a, b) => a.add(b));
      const tweak = name === 'taproot' ? [tapTweak(P, new Uint8Array(0))] : [];
      // The share sum without our own term and without the taproot adjustment is secret too.
      expectNoSecretInVariableTime([...shares, signingShare, sum], tweak);
    });

    it(`${name}: a bad share is named, still without variable-time secret arithmetic`, () => {
      const { r1, r2 } = setup();
      const me = 0;
      const received = r2.filter((_, j) => j !== me).map((out) => out[ids[me]!]!);
      const bad = received.map((p, j) =>
        j === 1
          ? {
              ...p,
              signingShare: Uint8Array.from(p.signingShare, (b, i) => (i === 31 ? b ^ 1 : b)),
            }
          : p,
      );
      const shares = bad.map((p) => decodeScalar(p.signingShare, 'share'));
      let err: unknown;
      recording(() => {
        try {
          frost.DKG.round3(
            r1[me]!.secret,
            r1.filter((_, j) => j !== me).map((o) => o.public),
            bad,
          );
        } catch (e) {
          err = e;
        }
      });
      expect(err).toBeInstanceOf(InvalidSecretShareError);
      expect((err as InvalidSecretShareError).culprits).toEqual([ids[2]]);
      expectNoSecretInVariableTime(shares);
    });
  }
});

describe('weighted DKG: dkgFinish checks secret shares in constant time', () => {
  const layout = createLayout({
    parties: [
      { id: 1, keyIds: [1] },
      { id: 2, keyIds: [2, 3] },
      { id: 3, keyIds: [4, 5, 6] },
    ],
    threshold: 4,
  });
  const random = (n: number) => randomBytes(n);
  const setup = () => {
    const dkgId = randomBytes(32);
    const r1 = layout.parties.map((p) => dkgRound1({ layout, dkgId, partyId: p.id, random }));
    const round1: DkgRound1[] = r1.map((r) => r.message);
    const states = new Map<number, DkgRound2State>();
    const round2: DkgRound2[] = [];
    for (const r of r1) {
      const out = dkgRound2(r.state, round1, random);
      if (!out.ok) throw new Error('round 2 failed');
      states.set(r.state.partyId, out.state);
      round2.push(...out.messages);
    }
    return { states, round2 };
  };
  /** Every share party `me` holds or receives: f_p(k) for its key ids, from every dealer p. */
  const sharesOf = (states: Map<number, DkgRound2State>, me: number): bigint[] => {
    const keyIds = layout.partyById.get(me)!.keyIds;
    const out: bigint[] = [];
    for (const st of states.values())
      for (const k of keyIds) {
        let acc = 0n;
        for (let i = st.coefficients.length - 1; i >= 0; i--)
          acc = (acc * BigInt(k) + st.coefficients[i]!) % N;
        out.push(acc);
      }
    return out;
  };

  it('honest run: key-id secrets and their sums stay out of variable-time code', () => {
    const { states, round2 } = setup();
    const me = 3;
    const out = recording(() =>
      dkgFinish(
        states.get(me)!,
        round2.filter((m) => m.recipient === me),
        random,
      ),
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expectNoSecretInVariableTime([...sharesOf(states, me), ...out.result.keyIdSecrets.values()]);
  });

  it('a bad share: the dealer search (bisection) is constant time on the secret side too', () => {
    const { states, round2 } = setup();
    const me = 3;
    const dealer = 2;
    const st = states.get(dealer)!;
    const key = st.peers.get(me)!.key;
    const wrong = round2.map((m) =>
      m.sender === dealer && m.recipient === me
        ? {
            ...m,
            shares: m.shares.map((s) => ({
              keyId: s.keyId,
              ciphertext: encryptShare(key, st.dkgId, dealer, me, s.keyId, 12345n),
            })),
          }
        : m,
    );
    const out = recording(() =>
      dkgFinish(
        states.get(me)!,
        wrong.filter((m) => m.recipient === me),
        random,
      ),
    );
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.complaints.map((c) => c.accused)).toEqual([dealer]);
    expectNoSecretInVariableTime([...sharesOf(states, me), 12345n]);
  });
});

describe('structure: scalar multiplications go through math/point.ts', () => {
  const src = new URL('../src/', import.meta.url).pathname;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });

  it('no module but math/point.ts and math/msm.ts calls noble multiplication directly', () => {
    const offenders: string[] = [];
    for (const f of files(src)) {
      if (f.endsWith('.test.ts') || f.endsWith('math/point.ts') || f.endsWith('math/msm.ts'))
        continue;
      const text = readFileSync(f, 'utf8');
      if (/\.multiply\(|\.multiplyUnsafe\(|mulAddUnsafe/.test(text))
        offenders.push(f.slice(src.length));
    }
    expect(offenders).toEqual([]);
  });
});
