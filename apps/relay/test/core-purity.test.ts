import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// ARCHITECTURE: pure logic (`src/core`) never imports I/O: node:*, fastify, loggers, the store,
// the shell (anything outside src/core).
const CORE = fileURLToPath(new URL('../src/core/', import.meta.url));
const FORBIDDEN = /^(node:|fastify|@fastify\/|pino|prom-client|better-sqlite3|nats|\.\.\/)/;

describe('src/core is pure', () => {
  it('imports no I/O module and nothing outside src/core', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(CORE).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )) {
      const text = readFileSync(CORE + file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        const target = m[1] as string;
        // Types only are fine (erased at build): `import type` lines.
        if (/^\s*(?:import|export)\s+type\b/.test(m[0])) continue;
        if (FORBIDDEN.test(target)) offenders.push(`${file}: ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
