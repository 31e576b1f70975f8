import type { FastifyInstance } from 'fastify';
import { RelayHttpError } from '../errors.ts';

/**
 * A relay without members (compatibility mode only) serves no /v1 route: every /v1 request is
 * refused plainly with a 404 in onRequest, before any body is read, so that a /v1 client gets
 * a clear answer instead of the compatibility catch-all (which would append its body to the
 * shared, unauthenticated log).
 */
export async function v1UnservedRoutes(app: FastifyInstance): Promise<void> {
  const refuse = async (): Promise<never> => {
    throw new RelayHttpError(
      404,
      'not-found',
      '/v1 is not served: this relay was started without --members (compatibility mode only)',
    );
  };
  for (const url of ['/v1', '/v1/*']) {
    app.all(url, { schema: { hide: true }, onRequest: refuse }, refuse);
  }
}
