/** What every client error may carry about the HTTP exchange that failed. */
export type StacksClientErrorOptions = {
  details?: string;
  cause?: unknown;
  status?: number;
  url?: string;
  body?: unknown;
};

/**
 * Base of every error thrown by the client. `shortMessage` is the one-line summary,
 * `details` the server's or library's explanation; `status`, `url` and `body` describe the HTTP
 * exchange when there was one (the body as parsed JSON, or text when it was not JSON).
 */
export class StacksClientError extends Error {
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly status: number | undefined;
  readonly url: string | undefined;
  readonly body: unknown;

  constructor(shortMessage: string, options: StacksClientErrorOptions = {}) {
    const lines = [shortMessage];
    if (options.url !== undefined) lines.push(`url: ${options.url}`);
    if (options.status !== undefined) lines.push(`status: ${options.status}`);
    if (options.details !== undefined) lines.push(`details: ${options.details}`);
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.status = options.status;
    this.url = options.url;
    this.body = options.body;
  }
}

/** The request never got an HTTP response (connection refused, DNS, abort). */
export class NetworkError extends StacksClientError {}

/** The server answered with a non-2xx status. */
export class HttpError extends StacksClientError {}

/** The server answered 2xx, but not with the shape this client expects. */
export class ResponseShapeError extends StacksClientError {}

/** A read-only call the node evaluated and refused (`{ okay: false, cause }`). */
export class ReadOnlyCallError extends StacksClientError {
  /** The node's explanation, e.g. `Unchecked(NoSuchContract(...))`. */
  readonly reason: string;
  constructor(reason: string, options: StacksClientErrorOptions) {
    super('read-only call failed', { ...options, details: reason });
    this.reason = reason;
  }
}

/** The node refused a broadcast transaction (`{ error, reason, reason_data }`). */
export class TransactionRejectedError extends StacksClientError {
  readonly reason: string;
  readonly reasonData: unknown;
  readonly txid: string | undefined;
  constructor(
    reason: string,
    reasonData: unknown,
    txid: string | undefined,
    options: StacksClientErrorOptions,
  ) {
    super(`transaction rejected: ${reason}`, options);
    this.reason = reason;
    this.reasonData = reasonData;
    this.txid = txid;
  }
}

/** A transaction did not reach a final status in time. */
export class TransactionTimeoutError extends StacksClientError {
  readonly txid: string;
  readonly lastStatus: string | undefined;
  constructor(txid: string, lastStatus: string | undefined, waitedMs: number) {
    super(`transaction ${txid} not final after ${waitedMs} ms`, {
      details: `last status: ${lastStatus ?? 'not found'}`,
    });
    this.txid = txid;
    this.lastStatus = lastStatus;
  }
}

/** A Clarity value (read from a contract or event) does not have the expected type. */
export class ClarityDecodeError extends StacksClientError {
  readonly path: string;
  constructor(path: string, expected: string, got: string) {
    super(`"${path}" expected ${expected}, got ${got}`);
    this.path = path;
  }
}

/** A multisig transaction cannot be signed or assembled as asked. */
export class MultisigError extends StacksClientError {}
