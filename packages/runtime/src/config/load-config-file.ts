import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { applyEnvOverrides, envOverrides } from './env-overrides.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { formatKeyPath } from './key-path.ts';
import { configFormatOf, parseConfigText } from './parse-config-text.ts';
import { secretValues, withoutSecrets } from './secret-values.ts';

export type LoadConfigOptions = {
  /** The configuration file: `.json` or `.toml`. */
  path: string;
  /** Where overrides are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Prefix of the override variables, e.g. `PEG_SIGNER`: `PEG_SIGNER_RELAY__URL=...` sets
   * `relay.url` (see `envOverrides`). Without it, the environment is not read.
   */
  envPrefix?: string;
};

async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') {
      throw new ConfigError('not-found', path, `${path}: configuration file not found`);
    }
    throw new ConfigError('unreadable', path, `${path}: cannot read configuration file (${code})`);
  }
}

/**
 * Reads a configuration file, applies the environment overrides, and validates the result
 * with `schema`. Every failure is a `ConfigError` naming the file: `not-found`, `unreadable`,
 * `unsupported-format`, `syntax` (line and column), `bad-env`, or `invalid` with one line per
 * problem, `file: key.path: message` (and the variable, when the key was set by one). No
 * message quotes a value found under a key whose name contains password, secret, token or key.
 */
export async function loadConfigFile<S extends z.ZodType>(
  schema: S,
  opts: LoadConfigOptions,
): Promise<z.output<S>> {
  const { path } = opts;
  const format = configFormatOf(path);
  const doc = parseConfigText(path, await readConfigText(path), format);
  const overrides =
    opts.envPrefix === undefined ? [] : envOverrides(opts.env ?? process.env, opts.envPrefix, path);
  if (overrides.length > 0) {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new ConfigError(
        'bad-env',
        path,
        `${path}: ${overrides[0]!.name} cannot apply: the file is not a table of keys`,
      );
    }
    applyEnvOverrides(doc as Record<string, unknown>, overrides, path);
  }
  const result = await schema.safeParseAsync(doc);
  if (result.success) return result.data;
  const secrets = secretValues(doc);
  // The last variable that set this key or a table above it (overrides apply in order); for an
  // unknown key also one that set a key below it (`PEG_SIGNER_APII__PORT` made `apii`).
  const within = (key: string, parent: string) =>
    key === parent || key.startsWith(`${parent}.`) || key.startsWith(`${parent}[`);
  const sourceOf = (keyPath: string, unknownKey: boolean): string | undefined => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const p = formatKeyPath(overrides[i]!.path);
      if (within(keyPath, p) || (unknownKey && within(p, keyPath))) return overrides[i]!.name;
    }
    return undefined;
  };
  const issue = (path: PropertyKey[], message: string, unknownKey = false): ConfigIssue => {
    const keyPath = formatKeyPath(path);
    const env = sourceOf(keyPath, unknownKey);
    return { path: keyPath, message: withoutSecrets(message, secrets), ...(env ? { env } : {}) };
  };
  const issues = result.error.issues.flatMap((i) =>
    // One line per unknown key, at its own path (a misspelt key or variable is then named).
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => issue([...i.path, k], 'unknown key', true))
      : [issue(i.path, i.message)],
  );
  const lines = issues.map(
    (i) => `${path}: ${i.path ? `${i.path}${i.env ? ` (from ${i.env})` : ''}: ` : ''}${i.message}`,
  );
  throw new ConfigError('invalid', path, lines.join('\n'), issues);
}
