import type { RelayError, RelayErrorCode } from '@peg/wire';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** An error a route answers as is: status, machine-readable code, a message safe to show. */
export class ApiHttpError extends Error {
  override name = 'ApiHttpError';
  readonly statusCode: number;
  readonly code: RelayErrorCode;
  readonly headers: Record<string, string>;
  constructor(
    statusCode: number,
    code: RelayErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

type Issue = NonNullable<RelayError['issues']>[number];

function issuesOf(err: FastifyError): Issue[] {
  return (err.validation ?? []).map((v) => {
    const issue = (v.params as { issue?: { path?: PropertyKey[]; message?: string } }).issue;
    const path = (issue?.path ?? v.instancePath.split('/').filter(Boolean)).map((p) =>
      typeof p === 'number' ? p : String(p),
    );
    return {
      path: [err.validationContext ?? 'body', ...path],
      message: issue?.message ?? v.message ?? 'invalid',
    };
  });
}

const CODE_BY_STATUS: Record<number, RelayErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * The one error handler of the operator APIs, in the relay's error body shape (`RelayError`):
 * schema errors are 400 with their issues, `ApiHttpError`s keep their status and code,
 * Fastify's own 4xx keep their status, and anything else is logged and answered with a fixed
 * message (a failing dependency's text may hold internals; it stays in the log).
 */
export const apiErrorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (err: FastifyError, request, reply) => {
      let body: RelayError;
      if (hasZodFastifySchemaValidationErrors(err)) {
        reply.code(400);
        body = {
          error: 'invalid-request',
          message: 'request does not match the schema',
          issues: issuesOf(err),
        };
      } else if (err instanceof ApiHttpError) {
        reply.code(err.statusCode).headers(err.headers);
        body = { error: err.code, message: err.message };
      } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        reply.code(err.statusCode);
        body = { error: CODE_BY_STATUS[err.statusCode] ?? 'invalid-request', message: err.message };
      } else {
        request.log.error({ err, method: request.method, url: request.url }, 'unhandled error');
        reply.code(500);
        body = { error: 'internal', message: 'internal error' };
      }
      return reply.send(body);
    });
    app.setNotFoundHandler(async (_request, reply) => {
      const body: RelayError = { error: 'not-found', message: 'no such route' };
      return reply.code(404).send(body);
    });
  },
  { name: 'peg-api-errors' },
);
