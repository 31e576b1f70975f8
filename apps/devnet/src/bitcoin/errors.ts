/**
 * Bitcoin Core JSON-RPC error codes (src/rpc/protocol.h) used by the ledger, so that clients
 * written against bitcoind branch on the same numbers.
 */
export const RPC_MISC_ERROR = -1;
export const RPC_TYPE_ERROR = -3;
export const RPC_INVALID_ADDRESS_OR_KEY = -5;
export const RPC_INVALID_PARAMETER = -8;
export const RPC_DESERIALIZATION_ERROR = -22;
export const RPC_VERIFY_ERROR = -25;
export const RPC_VERIFY_REJECTED = -26;
export const RPC_VERIFY_ALREADY_IN_CHAIN = -27;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_PARSE_ERROR = -32700;

/** An error with a Bitcoin Core RPC code; `message` uses bitcoind's reject reasons where one exists. */
export class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}
