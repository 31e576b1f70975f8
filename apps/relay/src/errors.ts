import type { RelayErrorCode } from '@peg/wire';

/** A 4xx/5xx answer with a machine-readable code; its message is safe to show the client. */
export class RelayHttpError extends Error {
  readonly statusCode: number;
  readonly code: RelayErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    code: RelayErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RelayHttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

/** The store failed or is unreachable; the cause is logged, never sent. */
export class StoreUnavailableError extends Error {
  readonly op: string;

  constructor(op: string, cause: unknown) {
    super(`store operation ${op} failed`, { cause });
    this.name = 'StoreUnavailableError';
    this.op = op;
  }
}
