/** An error as it appears in a log line. */
export type SerializedError = {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError | string;
};

/**
 * Logs an error by its type, message, `code` and stack (and its `cause`, the same way, a few
 * levels deep). Nothing else: other fields of an error (a request, a config) are not copied
 * into logs. Anything that is not an Error is returned as it is.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const out: SerializedError = { type: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.stack !== undefined) out.stack = err.stack;
  if (err.cause !== undefined && depth < 4) {
    const cause = serializeError(err.cause, depth + 1);
    out.cause = cause instanceof Object ? (cause as SerializedError) : String(cause);
  }
  return out;
}
