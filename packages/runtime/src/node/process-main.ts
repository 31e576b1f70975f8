/**
 * What every process's `main` does around its work: the keystore password from the environment
 * (`PEG_KEYSTORE_PASSWORD`, or `PEG_KEYSTORE_PASSWORD_FILE` naming a file; never a flag), clean
 * shutdown on SIGINT and SIGTERM, and one clear line on stderr with a non-zero exit on failure.
 */
import { ConfigError } from '../config/errors.ts';
import { secretSourceFromEnv } from '../config/secret-text.ts';
import { KeystoreError } from '../keystore/errors.ts';
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

/**
 * The exit code of a failure: 2 for how the process was started (its configuration file, the
 * environment overrides, the keystore password variables or file), 1 for anything else (a wrong
 * password, a damaged keystore, a node or relay that does not answer, a failure while running).
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof ConfigError) return EXIT_USAGE;
  if (err instanceof KeystoreError && err.code === 'no-password') return EXIT_USAGE;
  return EXIT_FAILURE;
}

/**
 * For commander's `exitOverride`: `--help` and `--version` exit 0, every usage error (unknown
 * command or option, missing or invalid argument) exits 2; commander already printed why.
 */
export function exitOnUsage(err: { exitCode: number }): never {
  process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
}

/** Writes one line naming the failure (never a stack, never a secret) and exits. */
export function exitWith(err: unknown, code = exitCodeOf(err)): never {
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
