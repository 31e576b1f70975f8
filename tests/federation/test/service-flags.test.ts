// The long-running apps start with SERVICE_NODE_FLAGS (docs/operations.md, "Node flags"): each
// bin's shebang carries them, and node on this machine accepts them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@peg/runtime';
import { describe, expect, it } from 'vitest';
import { appDir } from './harness/process.ts';

describe('service node flags', () => {
  for (const app of ['signer', 'coordinator', 'relay'] as const) {
    it(`${app}: the bin's shebang starts node with them`, () => {
      const first = readFileSync(join(appDir(app), 'src/main.ts'), 'utf8').split('\n')[0];
      expect(first).toBe(`#!/usr/bin/env -S node ${SERVICE_NODE_FLAGS.join(' ')}`);
    });
  }

  it('node accepts them (an unknown V8 flag would stop it at start)', () => {
    // `env -S` splits the line the way the kernel hands it over from the shebang.
    const out = execFileSync(
      '/usr/bin/env',
      [
        '-S',
        `${process.execPath} ${SERVICE_NODE_FLAGS.join(' ')}`,
        '-p',
        'process.execArgv.join(" ")',
      ],
      { encoding: 'utf8' },
    );
    // execArgv: the flags, then `-p` and its script.
    expect(out.trim().startsWith(`${SERVICE_NODE_FLAGS.join(' ')} -p`)).toBe(true);
  });
});
