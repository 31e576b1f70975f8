import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.ts';

/** Where a secret comes from: an environment variable or a file (never a flag or a config key). */
export type SecretSource = { env: string } | { file: string };

/**
 * A secret's text from an environment variable or a file. A file's one trailing newline is
 * dropped, as `echo` adds it. Missing or empty is an error (`no-secret`) that names the variable
 * or the file and `what` the secret is, never the value.
 */
export async function readSecretText(
  source: SecretSource,
  opts: { env?: NodeJS.ProcessEnv; what?: string } = {},
): Promise<string> {
  const what = opts.what ?? 'secret';
  if ('env' in source) {
    const value = (opts.env ?? process.env)[source.env];
    if (value === undefined || value === '') {
      throw new ConfigError('no-secret', source.env, `${what} variable ${source.env} is not set`);
    }
    return value;
  }
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      'no-secret',
      source.file,
      `cannot read ${what} file ${source.file} (${code})`,
    );
  }
  text = text.replace(/\r?\n$/, '');
  if (text === '')
    throw new ConfigError('no-secret', source.file, `${what} file ${source.file} is empty`);
  return text;
}

/**
 * The usual pair of variables for one secret: `NAME` holds it, or `NAME_FILE` names a file that
 * does (`PEG_KEYSTORE_PASSWORD`, `PEG_KEYSTORE_PASSWORD_FILE`). Exactly one must be set.
 */
export function secretSourceFromEnv(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  what = 'secret',
): SecretSource {
  const fileVar = `${name}_FILE`;
  const direct = env[name] !== undefined && env[name] !== '';
  const file = env[fileVar];
  const viaFile = file !== undefined && file !== '';
  if (direct && viaFile) {
    throw new ConfigError('no-secret', name, `${what}: set ${name} or ${fileVar}, not both`);
  }
  if (viaFile) return { file };
  if (direct) return { env: name };
  throw new ConfigError('no-secret', name, `${what}: set ${name} or ${fileVar}`);
}
