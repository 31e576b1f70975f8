import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CRASH_ENV, crashHook } from '../src/peg-out/crash-points.ts';

describe('the crash test hook', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'crash-'));
    dirs.push(d);
    return d;
  };

  it('is off without the variable, and refused by a built coordinator or for an unknown point', () => {
    expect(crashHook({}, dir(), false)).toBeUndefined();
    expect(crashHook({ [CRASH_ENV]: '' }, dir(), true)).toBeUndefined();
    expect(() => crashHook({ [CRASH_ENV]: 'after-sign' }, dir(), false)).toThrow(
      /built coordinator refuses/,
    );
    expect(() => crashHook({ [CRASH_ENV]: 'after-sign,later' }, dir(), true)).toThrow(
      /unknown point "later"/,
    );
  });

  it('kills the process with SIGKILL once per named point (a marker per point)', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const d = dir();
    const hook = crashHook({ [CRASH_ENV]: 'after-sign,before-complete' }, d, true)!;
    hook('before-sign');
    expect(kill).not.toHaveBeenCalled();
    hook('after-sign');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
    expect(existsSync(join(d, 'crashed-after-sign'))).toBe(true);
    hook('after-sign');
    expect(kill).toHaveBeenCalledTimes(1);
    hook('before-complete');
    expect(kill).toHaveBeenCalledTimes(2);
  });
});
