import { type Point, Point as PointCons } from './encoding.ts';

/**
 * The group polynomial's commitments A_i = Σ_p A_{p,i} over all dealers. Every party needs it
 * (group key A_0, the aggregated share check, key-id public shares), so it is computed once
 * instead of evaluating each dealer's commitments separately.
 */
export function sumCommitments(vectors: readonly (readonly Point[])[], length: number): Point[] {
  const out = new Array<Point>(length).fill(PointCons.ZERO);
  for (const v of vectors) {
    for (let i = 0; i < length; i++) out[i] = (out[i] as Point).add(v[i] as Point);
  }
  return out;
}
