/**
 * A test hook: `PEG_TEST_CRASH_AT=before-sign,after-sign,...` makes the coordinator kill itself
 * with SIGKILL (a real `kill -9`, no cleanup) the first time it reaches each named step boundary
 * of the peg-out pipeline; a marker file per point in its data folder makes each crash happen
 * once, so the restarted process goes on. The process tests use it to prove that a crash at any
 * boundary pays every request exactly once. Only a coordinator run from its TypeScript sources
 * honours it: the built one (what operators deploy) refuses to start with it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CRASH_POINTS = [
  /** The sweep is built and recorded, the signing round not started. */
  'before-sign',
  /** Signed and the signed bytes persisted, not broadcast. */
  'after-sign',
  /** Accepted by the node, not recorded as broadcast. */
  'after-broadcast',
  /** A mined sweep's completion about to be proposed to the signers. */
  'before-complete',
  /** The co-signed `complete-withdrawals` sent to the Stacks node, not yet mined. */
  'completion-sent',
  /** The completion mined, not recorded. */
  'after-complete',
  /** A rejection about to be proposed to the signers. */
  'before-reject',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_ENV = 'PEG_TEST_CRASH_AT';

/**
 * The crash hook `env` asks for (undefined when none), marking in `dir`. Throws on an unknown
 * point, or when `fromSources` is false (a built coordinator never takes a test hook).
 */
export function crashHook(
  env: NodeJS.ProcessEnv,
  dir: string,
  fromSources: boolean,
): ((point: CrashPoint) => void) | undefined {
  const spec = env[CRASH_ENV];
  if (spec === undefined || spec === '') return undefined;
  if (!fromSources)
    throw new Error(`${CRASH_ENV} is a test hook: the built coordinator refuses to start with it`);
  const points = new Set(spec.split(','));
  for (const p of points)
    if (!(CRASH_POINTS as readonly string[]).includes(p))
      throw new Error(`${CRASH_ENV}: unknown point "${p}" (one of ${CRASH_POINTS.join(', ')})`);
  return (point) => {
    if (!points.has(point)) return;
    const marker = join(dir, `crashed-${point}`);
    if (existsSync(marker)) return;
    writeFileSync(marker, `${Date.now()}\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
