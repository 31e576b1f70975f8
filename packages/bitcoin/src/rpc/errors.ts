/** Bitcoin Core RPC error codes this package acts on (src/rpc/protocol.h). */
export const RPC_ERROR_CODE = {
  miscError: -1,
  typeError: -3,
  invalidAddressOrKey: -5,
  invalidParameter: -8,
  walletNotFound: -18,
  verifyError: -25,
  verifyRejected: -26,
  verifyAlreadyInChain: -27,
  inWarmup: -28,
  methodNotFound: -32601,
  invalidRequest: -32600,
  parseError: -32700,
} as const;

/** Base of every error the RPC client throws; `method` is the RPC method called. */
export class BitcoinRpcClientError extends Error {
  override name = 'BitcoinRpcClientError';
  readonly method: string;
  constructor(method: string, message: string, options?: { cause?: unknown }) {
    super(`${method}: ${message}`, options);
    this.method = method;
  }
}

/** bitcoind answered with a JSON-RPC error object. */
export class BitcoinRpcError extends BitcoinRpcClientError {
  override name = 'BitcoinRpcError';
  /** Bitcoin Core's RPC error code (see `RPC_ERROR_CODE`). */
  readonly code: number;
  /** Bitcoin Core's error message, verbatim (e.g. "bad-txns-inputs-missingorspent"). */
  readonly rpcMessage: string;
  /** HTTP status of the answer (200 for JSON-RPC 2.0, 500/404 for legacy 1.0 requests). */
  readonly status: number;
  constructor(method: string, code: number, rpcMessage: string, status: number) {
    super(method, `RPC error ${code}: ${rpcMessage} (HTTP ${status})`);
    this.code = code;
    this.rpcMessage = rpcMessage;
    this.status = status;
  }
}

/** The HTTP exchange failed without a JSON-RPC answer (401 bad credentials, 403, 502, …). */
export class BitcoinRpcHttpError extends BitcoinRpcClientError {
  override name = 'BitcoinRpcHttpError';
  readonly status: number;
  /** Response body, truncated to 1 KiB. */
  readonly body: string;
  constructor(method: string, status: number, body: string) {
    super(method, `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.status = status;
    this.body = body.slice(0, 1024);
  }
}

/** The request never got an answer: connection refused, DNS, timeout. */
export class BitcoinRpcTransportError extends BitcoinRpcClientError {
  override name = 'BitcoinRpcTransportError';
  constructor(method: string, cause: unknown) {
    super(method, `transport failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** bitcoind answered, but the result does not have the shape this client expects. */
export class BitcoinRpcResponseError extends BitcoinRpcClientError {
  override name = 'BitcoinRpcResponseError';
  readonly issues: readonly string[];
  constructor(method: string, issues: readonly string[]) {
    super(method, `unexpected result: ${issues.slice(0, 3).join('; ')}`);
    this.issues = issues;
  }
}
