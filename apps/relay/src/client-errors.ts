import type { Socket } from 'node:net';
import type { RelayError } from '@peg/wire';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { RelayMetrics } from './plugins/metrics.ts';

/** A request Node's HTTP parser refused, answered in the relay's `{ error, message }` shape. */
export type ClientErrorAnswer = { status: 400 | 408 | 431; body: RelayError };

/** The answer to an error Node raises before Fastify sees a request (undefined: none possible). */
export function clientErrorAnswer(err: { code?: string }): ClientErrorAnswer | undefined {
  if (err.code === 'ECONNRESET') return undefined;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      body: { error: 'request-timeout', message: 'the request was not received in time' },
    };
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      body: { error: 'headers-too-large', message: 'request headers are too large' },
    };
  }
  return { status: 400, body: { error: 'invalid-request', message: 'malformed HTTP request' } };
}

const REASON = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Fastify's `clientErrorHandler`: answers a malformed request, a header or request timeout, or
 * oversized headers with the documented error body (Fastify's default writes its own shape),
 * counts it in the request metrics (no route ever saw it, so `onResponse` does not), and closes
 * the connection, as Node does.
 */
export function clientErrorHandler(metrics: RelayMetrics) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    const answer = socket.destroyed ? undefined : clientErrorAnswer(err);
    if (!answer) {
      socket.destroy();
      return;
    }
    metrics.requests.inc({ method: 'unparsed', route: 'unmatched', status: String(answer.status) });
    const body = JSON.stringify(answer.body);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${answer.status} ${REASON[answer.status]}\r\nConnection: close\r\n` +
          `Content-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/**
 * Fastify's `frameworkErrors`: a URL Fastify cannot route (bad percent-encoding, an over-long
 * parameter) is a 400 in the documented shape rather than Fastify's own, counted (no route's
 * `onResponse` hook runs for it).
 */
export function frameworkErrorHandler(metrics: RelayMetrics) {
  return (_err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    metrics.requests.inc({ method: request.method, route: 'unmatched', status: '400' });
    const body: RelayError = { error: 'invalid-request', message: 'malformed request URL' };
    reply.code(400).send(body);
  };
}
