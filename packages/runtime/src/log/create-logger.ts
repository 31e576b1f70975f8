import { type DestinationStream, type Logger, pino } from 'pino';
import { z } from 'zod';
import { censorSecrets } from './censor-secrets.ts';
import { serializeError } from './serialize-error.ts';

/** The log levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** A configuration field holding a log level. */
export const LogLevelSchema = z.enum(LOG_LEVELS);

export type { Logger };

export type LoggerOptions = {
  /** The process or component, e.g. `peg-signer` (the `name` field of every line). */
  name: string;
  level?: LogLevel;
  /** Where lines go: a stream, or a file appended to. Default: standard output. */
  destination?: DestinationStream | string;
};

/**
 * A pino logger writing one JSON object per line, with an ISO time. Secret-named fields
 * (password, secret, secretKey, privateKey, token, authorization, mnemonic, ... see
 * isSecretLogKey) are censored at any depth, in the fields of every line and in the bindings of
 * child loggers; errors are logged by type, message, code and stack only. Not censored: the
 * message text itself, so never interpolate a secret (or an object holding one) into it.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const destination =
    typeof opts.destination === 'string'
      ? pino.destination({ dest: opts.destination, append: true, mkdir: true, sync: true })
      : opts.destination;
  const options = {
    name: opts.name,
    level: opts.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
    formatters: {
      bindings: (bindings: Record<string, unknown>) => censorSecrets(bindings),
      log: (record: Record<string, unknown>) => censorSecrets(record),
    },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // pino applies `formatters.bindings` to the root's bindings only and resets it for children:
  // censor the bindings of `child` and `setBindings` here. Children are created with
  // Object.create(parent), so every descendant inherits these two from the root.
  const { child, setBindings } = logger;
  logger.child = function (this: Logger, bindings, childOptions) {
    // Reflect.apply: `child` is generic in its levels, which `call` cannot type (TS2684 when
    // another package's program checks this file).
    return Reflect.apply(child, this, [censorSecrets(bindings), childOptions]);
  } as Logger['child'];
  logger.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, censorSecrets(bindings));
  };
  return logger;
}
