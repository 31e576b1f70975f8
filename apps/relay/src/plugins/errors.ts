import type { RelayError } from '@peg/wire';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { RelayHttpError, StoreUnavailableError } from '../errors.ts';

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

const CODE_BY_STATUS: Record<number, RelayError['error']> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/**
 * The one error handler: schema errors become 400 with their issues, domain errors keep their
 * status and code, Fastify's own 4xx keep their status, and everything else is logged and
 * answered with a fixed message (no stack, no store detail, no internals).
 */
export const errorsPlugin = fp(
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
      } else if (err instanceof RelayHttpError) {
        reply.code(err.statusCode).headers(err.headers);
        body = { error: err.code, message: err.message };
      } else if (err instanceof StoreUnavailableError) {
        request.log.error({ err: err.cause, op: err.op }, 'store failure');
        reply.code(503);
        body = { error: 'unavailable', message: 'store unavailable, retry later' };
      } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        reply.code(err.statusCode);
        body = { error: CODE_BY_STATUS[err.statusCode] ?? 'invalid-request', message: err.message };
      } else {
        request.log.error({ err, method: request.method, url: request.url }, 'unhandled error');
        reply.code(500);
        body = { error: 'internal', message: 'internal error' };
      }
      // Refused before its body was read (authentication, a too-large length): close the
      // connection rather than let Node drain the rest of an upload nobody wants.
      if (!request.raw.complete) reply.header('connection', 'close');
      return reply.send(body);
    });
    app.setNotFoundHandler(async (_request, reply) => {
      const body: RelayError = { error: 'not-found', message: 'no such route' };
      return reply.code(404).send(body);
    });
  },
  { name: 'relay-errors' },
);
