import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';

/** The files of a Clarinet project the simnet reads: manifest, settings, contracts, plan. */
function projectFiles(manifestPath: string): string[] {
  const manifest = readFileSync(manifestPath, 'utf8');
  const contracts = [...manifest.matchAll(/^\s*path\s*=\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
  return ['Clarinet.toml', 'settings/Devnet.toml', ...contracts];
}

/**
 * Copies a Clarinet project into `target` (the simnet writes its plan and cache next to the
 * manifest, and the devnet must not write into another package) and returns the copied
 * manifest's path and a hash of the sources, which a data folder is bound to.
 */
export function stageProject(
  manifestPath: string,
  target: string,
): { manifest: string; sourcesHash: string } {
  const root = dirname(resolve(manifestPath));
  const files = projectFiles(manifestPath);
  const digest: Uint8Array[] = [];
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from)) throw new Error(`Clarinet project file missing: ${from}`);
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(from, join(target, file));
    digest.push(new TextEncoder().encode(`${file}\n`), readFileSync(from));
  }
  for (const optional of ['deployments', '.cache/requirements']) {
    if (existsSync(join(root, optional)))
      cpSync(join(root, optional), join(target, optional), { recursive: true });
  }
  const all = new Uint8Array(digest.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of digest) {
    all.set(d, offset);
    offset += d.length;
  }
  return { manifest: join(target, 'Clarinet.toml'), sourcesHash: hex.encode(sha256(all)) };
}
