import { RelayError } from '@peg/wire';

/**
 * The error answers every authenticated /v1 route documents (one map for all of them): a bad
 * request (400), authentication (401), role (403), a body too large (413) or not JSON (415),
 * the rate limit (429), the store or a closing relay (503). A route adds what is its own
 * (the post's 409).
 */
export const v1Errors = {
  400: RelayError,
  401: RelayError,
  403: RelayError,
  413: RelayError,
  415: RelayError,
  429: RelayError,
  503: RelayError,
} as const;
