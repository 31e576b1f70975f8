/**
 * What every process's `main` does around its work: the keystore password from the environment
 * (`PEG_KEYSTORE_PASSWORD`, or `PEG_KEYSTORE_PASSWORD_FILE` naming a file; never a flag), clean
 * shutdown on SIGINT and SIGTERM, and one clear line on stderr with a non-zero exit on failure.
 */
import { secretSourceFromEnv } from '../config/secret-text.ts';
import { readPassword } from '../keystore/password.ts';

/** The environment variable of the keystore password (`<name>_FILE`: a file holding it). */
export const PASSWORD_ENV = 'PEG_KEYSTORE_PASSWORD';

/** The keystore password from `PEG_KEYSTORE_PASSWORD` or the file `PEG_KEYSTORE_PASSWORD_FILE` names. */
export async function keystorePassword(env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const source = secretSourceFromEnv(PASSWORD_ENV, env, 'keystore password');
  return readPassword(source, env);
}

/** Exit codes: 1 a failure while running or starting, 2 bad usage or configuration. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Writes one line naming the failure (never a stack, never a secret) and exits. */
export function exitWith(err: unknown, code = EXIT_FAILURE): never {
  const e = err as { name?: string; message?: string; what?: string };
  const what = e?.what ? `${e.what}: ` : '';
  process.stderr.write(`error: ${what}${e?.message ?? String(err)}\n`);
  process.exit(code);
}

/**
 * Runs `stop` on the first SIGINT or SIGTERM and exits 0 when it finished; a second signal
 * exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(EXIT_FAILURE);
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err) => exitWith(err),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
