import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * A path written in a configuration file, resolved against the file's directory (not the
 * working directory): `keystore: "keys/operator.bin"` in `/etc/peg/signer.json` is
 * `/etc/peg/keys/operator.bin` wherever the process was started. Absolute paths are kept.
 * The same rule holds for a path set by an environment override.
 */
export function resolveConfigPath(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(configFile)), path);
}
