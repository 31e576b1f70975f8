import { ConfigError } from './errors.ts';
import { formatKeyPath } from './key-path.ts';

/** One environment variable that sets a configuration key. */
export type EnvOverride = {
  /** The variable, e.g. `PEG_SIGNER_RELAY__URL`. */
  name: string;
  /** The key path it sets, e.g. `['relay', 'url']`. */
  path: (string | number)[];
  /** The value: the variable's text parsed as JSON when it parses, else the text itself. */
  value: unknown;
};

const SEGMENT = /^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$/;

/** `RPC_URL` -> `rpcUrl`, `PORT` -> `port`, `0` -> 0 (an array index). */
function segmentKey(segment: string): string | number {
  if (/^(?:0|[1-9][0-9]*)$/.test(segment)) return Number(segment);
  const [first, ...rest] = segment.toLowerCase().split('_');
  return first + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The overrides in `env` for `prefix` (e.g. `PEG_SIGNER`): every variable named
 * `PREFIX_SECTION__KEY`. After `PREFIX_`, a double underscore separates levels and each level is
 * camel-cased from its words (`PEG_SIGNER_STACKS__RPC_URL` sets `stacks.rpcUrl`; a number is an
 * array index: `PEG_SIGNER_PEERS__0__URL`). The value is parsed as JSON when it parses (`8080`,
 * `true`, `["a"]`, `{"url": "..."}`, `"0123"` for a string of digits), else taken as text.
 * Sorted by name, so a parent and its child apply parent first.
 */
export function envOverrides(env: NodeJS.ProcessEnv, prefix: string, file: string): EnvOverride[] {
  const lead = prefix.endsWith('_') ? prefix : `${prefix}_`;
  const out: EnvOverride[] = [];
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (!name.startsWith(lead) || text === undefined) continue;
    const segments = name.slice(lead.length).split('__');
    if (!segments.every((s) => SEGMENT.test(s))) {
      throw new ConfigError(
        'bad-env',
        file,
        `${file}: environment variable ${name}: expected ${lead}SECTION__KEY (words of letters and digits joined by _, levels by __)`,
      );
    }
    out.push({ name, path: segments.map(segmentKey), value: parseValue(text) });
  }
  return out;
}

function isContainer(v: unknown): v is Record<string | number, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

/**
 * Sets each override's key in `doc` (mutated), creating missing tables on the way. A key below
 * something that is not a table (`relay.url` when `relay` is a string) or an index past an
 * array's end is an error naming the variable.
 */
export function applyEnvOverrides(
  doc: Record<string, unknown>,
  overrides: readonly EnvOverride[],
  file: string,
): void {
  for (const { name, path, value } of overrides) {
    let node: Record<string | number, unknown> = doc;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      if (Array.isArray(node) && (typeof key !== 'number' || key >= node.length)) {
        throw new ConfigError(
          'bad-env',
          file,
          `${file}: ${name}: ${typeof key === 'number' ? `index ${key} is past the end of the list` : `'${key}' is not an index of a list`}`,
        );
      }
      if (i === path.length - 1) {
        node[key] = value;
        break;
      }
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined) {
        const created = {};
        node[key] = created;
        node = created;
      } else if (isContainer(next)) {
        node = next;
      } else {
        throw new ConfigError(
          'bad-env',
          file,
          `${file}: ${name}: cannot set a key below ${formatKeyPath(path.slice(0, i + 1))}, which is not a table`,
        );
      }
    }
  }
}
