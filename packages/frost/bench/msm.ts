/** MSM: our Pippenger/GLV vs noble `mulAddUnsafe` and `pippenger` at several sizes. */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { msm } from '../src/math/msm.ts';
import { Point } from '../src/math/point.ts';
import { N } from '../src/math/scalar.ts';
import type { BenchModule } from './harness.ts';
import { seededBytes } from './rng.ts';

export const msmBench: BenchModule = {
  name: 'msm',
  run(h) {
    const rng = seededBytes('msm');
    const scalar = () => {
      let s = 0n;
      for (const b of rng(40)) s = (s << 8n) | BigInt(b);
      return (s % (N - 1n)) + 1n;
    };
    for (const L of [8, 16, 24, 32, 67, 201, 1000]) {
      const points = Array.from({ length: L }, () => Point.BASE.multiply(scalar()));
      const scalars = points.map(() => scalar());
      h.refreshV();
      const [ours, wnaf] = h.measurePair(
        () => msm(points, scalars),
        () => mulAddUnsafe(Point, points, scalars),
        { maxCalls: 50 },
      );
      const pip = h.measure(() => pippenger(Point, points, scalars), { maxCalls: 50 });
      h.report(`msm L=${L} ours`, ours, { L, per_point_ms: ours / L });
      h.report(`msm L=${L} noble mulAddUnsafe`, wnaf, { L });
      h.report(`msm L=${L} noble pippenger`, pip, { L });
    }
  },
};
