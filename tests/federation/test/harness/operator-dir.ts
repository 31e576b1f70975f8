// One operator's directory as `peg-signer init` makes it (plus a coordinator.json), for tests
// that start the processes against it and check what they leave behind.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './process.ts';

/** Every file and folder under `dir`: relative path -> mode and (files) SHA-256 of the bytes. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = statSync(join(dir, path));
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out[`${path}/`] = mode;
        walk(path);
      } else {
        const hash = createHash('sha256')
          .update(readFileSync(join(dir, path)))
          .digest('hex');
        out[path] = `${mode} ${hash}`;
      }
    }
  };
  walk('');
  return out;
}

export type InitOutput = {
  config: string;
  keystore: string;
  stacksAddress: string;
  stacksPublicKey: string;
  messagingKey: string;
};

/** `peg-signer init` into `dir` with a cheap scrypt cost; the endpoints are only written down. */
export async function initOperator(
  dir: string,
  password: string,
  urls: { relay: string; bitcoin: string; stacks: string; contracts: string },
) {
  return runCli(
    'signer',
    [
      'init',
      '--dir',
      dir,
      '--relay-url',
      urls.relay,
      '--bitcoin-rpc-url',
      urls.bitcoin,
      '--stacks-node-url',
      urls.stacks,
      '--contracts-address',
      urls.contracts,
      '--scrypt-log2n',
      '10',
    ],
    { PEG_KEYSTORE_PASSWORD: password, PEG_KEYSTORE_PASSWORD_FILE: '' },
  );
}

/** A fresh copy of an operator directory (each test may damage its own). */
export function copyOperator(template: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'peg-operator-')), 'op');
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** Rewrites a JSON file through `edit`. */
export function editJson(path: string, edit: (doc: Record<string, unknown>) => unknown): void {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify(edit(doc), null, 2)}\n`);
}
