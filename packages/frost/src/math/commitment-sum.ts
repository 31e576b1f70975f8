/**
 * Column sums of point vectors: the group polynomial's commitments A_i = Σ_p A_{p,i} over all
 * dealers of a DKG, P·T point additions (420,000 at 150 parties, T = 2800), the largest single
 * cost of a party's weighted DKG at scale. Public data only (variable time).
 *
 * Hot path, hand-written: the inputs are affine (decoded from uncompressed bytes), so columns are
 * summed pairwise in a tree with affine additions, all denominators of one tree level sharing
 * one field inversion (Montgomery's trick): ~6 field multiplications per addition instead of
 * the ~12 of a projective one. Degenerate pairs (equal x: doubling or P + (−P)), which only a
 * malicious dealer could produce, go through noble's complete formulas.
 * @module
 */
import { fsub, invertBatchFp, red } from './field.ts';
import { type Point, Point as PointCons } from './point.ts';

type Affine = { x: bigint; y: bigint } | null; // null = identity

function toAffine(pt: Point): Affine {
  if (pt.is0()) return null;
  if (pt.Z === 1n) return { x: pt.X, y: pt.Y };
  const a = pt.toAffine();
  return { x: a.x, y: a.y };
}

function slowAdd(a: Affine, b: Affine): Affine {
  if (a === null) return b;
  if (b === null) return a;
  return toAffine(PointCons.fromAffine(a).add(PointCons.fromAffine(b)));
}

export function sumCommitments(vectors: readonly (readonly Point[])[], length: number): Point[] {
  if (vectors.length === 0) return new Array<Point>(length).fill(PointCons.ZERO);
  let level: Affine[][] = vectors.map((v) => {
    const out = new Array<Affine>(length);
    for (let i = 0; i < length; i++) out[i] = toAffine(v[i] as Point);
    return out;
  });
  while (level.length > 1) {
    const pairs = level.length >> 1;
    const next: Affine[][] = [];
    // Collect the denominators x_b − x_a of every regular pair of this level.
    const dens: bigint[] = [];
    for (let q = 0; q < pairs; q++) {
      const a = level[2 * q] as Affine[];
      const b = level[2 * q + 1] as Affine[];
      for (let i = 0; i < length; i++) {
        const pa = a[i] as Affine;
        const pb = b[i] as Affine;
        if (pa !== null && pb !== null && pa.x !== pb.x) {
          dens.push(fsub(pb.x, pa.x));
        }
      }
    }
    const inv = invertBatchFp(dens);
    let j = 0;
    for (let q = 0; q < pairs; q++) {
      const a = level[2 * q] as Affine[];
      const b = level[2 * q + 1] as Affine[];
      const out = new Array<Affine>(length);
      for (let i = 0; i < length; i++) {
        const pa = a[i] as Affine;
        const pb = b[i] as Affine;
        if (pa === null || pb === null || pa.x === pb.x) {
          out[i] = slowAdd(pa, pb);
          continue;
        }
        const l = red(fsub(pb.y, pa.y) * (inv[j++] as bigint));
        const x3 = fsub(fsub(red(l * l), pa.x), pb.x);
        const y3 = fsub(red(l * fsub(pa.x, x3)), pa.y);
        out[i] = { x: x3, y: y3 };
      }
      next.push(out);
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Affine[]);
    level = next;
  }
  const top = level[0] as Affine[];
  return top.map((a) => (a === null ? PointCons.ZERO : new PointCons(a.x, a.y, 1n)));
}
