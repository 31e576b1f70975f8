import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from './errors.ts';

/** The formats a configuration file may have, by its extension. */
export type ConfigFormat = 'json' | 'toml';

/** `json` for `.json`, `toml` for `.toml` (any case); anything else is an error naming the file. */
export function configFormatOf(file: string): ConfigFormat {
  const ext = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === 'json' || ext === 'toml') return ext;
  throw new ConfigError(
    'unsupported-format',
    file,
    `${file}: unsupported configuration format (expected a .json or .toml file)`,
  );
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line} column ${offset - before.lastIndexOf('\n')}`;
}

// V8 words some JSON errors with a copy of the input ('Unexpected token 'h', "{"password":
// hunter2}" is not valid JSON'), which may hold a secret: only the wording without it is kept.
const AT_POSITION = /^(.*?)(?: in JSON)? at position (\d+)/s;
const UNEXPECTED_TOKEN = /^Unexpected token '(.)', .* is not valid JSON$/su;

/**
 * Where the unexpected character is when V8 does not say: the shortest prefix of the text that
 * fails the same way ends with it (shorter prefixes end early, which is another error).
 */
function unexpectedTokenOffset(text: string, token: string): number | undefined {
  const fails = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      return UNEXPECTED_TOKEN.test((e as Error).message);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo > 0 && text[lo - 1] === token ? lo - 1 : undefined;
}

function jsonSyntaxError(file: string, text: string, err: Error): ConfigError {
  let reason = 'not valid JSON';
  let offset: number | undefined;
  const at = AT_POSITION.exec(err.message);
  const token = UNEXPECTED_TOKEN.exec(err.message);
  if (at) {
    reason = at[1]!;
    offset = Number(at[2]);
  } else if (token) {
    const ch = token[1]!;
    // Punctuation helps ("unexpected '}'"); a letter or digit could be part of a secret.
    reason = /[\p{L}\p{N}]/u.test(ch) ? 'Unexpected token' : `Unexpected token '${ch}'`;
    offset = unexpectedTokenOffset(text, ch);
  } else if (err.message === 'Unexpected end of JSON input') {
    reason = 'unexpected end of input';
    offset = text.length;
  }
  const where = offset === undefined ? '' : ` at ${lineColumn(text, offset)}`;
  return new ConfigError('syntax', file, `${file}: invalid JSON${where}: ${reason}`);
}

/**
 * Parses a configuration file's text. Syntax errors name the file, the line and column and the
 * reason, never the text around it (which may hold a secret, however much it should not).
 */
export function parseConfigText(file: string, text: string, format: ConfigFormat): unknown {
  // A byte-order mark some editors write is not part of the document.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (format === 'json') {
    try {
      return JSON.parse(body);
    } catch (err) {
      throw jsonSyntaxError(file, body, err as Error);
    }
  }
  try {
    return parseToml(body, { unsafeKeyBehaviour: 'throw' });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml appends the offending lines to its message: keep only its first line's reason.
    const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new ConfigError(
      'syntax',
      file,
      `${file}: invalid TOML at line ${err.line} column ${err.column}: ${reason}`,
    );
  }
}
