import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ConfigError } from '../config/errors.ts';
import { readSecretText, type SecretSource } from '../config/secret-text.ts';
import { KeystoreError } from './errors.ts';

/** Where the keystore password comes from: an environment variable or a file (never a flag). */
export type PasswordSource = SecretSource;

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
  try {
    text = await readSecretText(source, { env, what: 'keystore password' });
  } catch (err) {
    if (err instanceof ConfigError) throw new KeystoreError('no-password', err.message);
    throw err;
  }
  return passwordBytes(text);
}

/** The bytes of a password given as text (see readPassword). */
export function passwordBytes(password: string): Uint8Array {
  if (password === '') throw new KeystoreError('no-password', 'keystore password is empty');
  return utf8ToBytes(password.normalize('NFKC'));
}
