import type { RelayErrorCode } from '@peg/wire';

/** What went wrong, from the client's side: the relay's code, or a transport failure. */
export type RelayClientErrorCode =
  | RelayErrorCode
  | 'network'
  | 'timeout'
  | 'bad-response'
  | 'aborted';

/**
 * A failed relay call. `retryable` is true for 5xx, 429, network failures, timeouts and answers
 * that are not the relay's (a proxy's error page): the same request may succeed later. A 4xx is
 * the caller's mistake (or its key's) and is not retried. Messages carry the relay's text and
 * the route, never a token or a signature.
 */
export class RelayClientError extends Error {
  readonly code: RelayClientErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The relay's Retry-After (429, 503), ms. */
  readonly retryAfterMs: number | undefined;
  constructor(
    code: RelayClientErrorCode,
    message: string,
    opts: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RelayClientError';
    this.code = code;
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
