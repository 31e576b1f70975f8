import { readFile } from 'node:fs/promises';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeystoreError } from './errors.ts';

/** Where the keystore password comes from: an environment variable or a file (never a flag). */
export type PasswordSource = { env: string } | { file: string };

/**
 * The password bytes: UTF-8 of the NFKC-normalized text (the same password typed on another
 * system decodes to the same bytes). A file's one trailing newline is dropped, as `echo` adds it.
 * Errors name the variable or the file, never the value.
 */
export async function readPassword(
  source: PasswordSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Uint8Array> {
  let text: string;
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') {
      throw new KeystoreError('no-password', `keystore password variable ${source.env} is not set`);
    }
    text = value;
  } else {
    try {
      text = await readFile(source.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new KeystoreError(
        'no-password',
        `cannot read keystore password file ${source.file} (${code})`,
      );
    }
    text = text.replace(/\r?\n$/, '');
    if (text === '') {
      throw new KeystoreError('no-password', `keystore password file ${source.file} is empty`);
    }
  }
  return passwordBytes(text);
}

/** The bytes of a password given as text (see readPassword). */
export function passwordBytes(password: string): Uint8Array {
  if (password === '') throw new KeystoreError('no-password', 'keystore password is empty');
  return utf8ToBytes(password.normalize('NFKC'));
}
