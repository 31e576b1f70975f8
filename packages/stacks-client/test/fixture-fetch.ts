import type { FetchFn } from '../src/index.ts';

/** One canned answer: method + path (with query) -> status + JSON body (or raw text). */
export type Route = {
  method: 'GET' | 'POST';
  path: string;
  status?: number;
  body?: unknown;
  text?: string;
  /** For POST: only answer when the JSON body matches (e.g. the read-only arguments). */
  match?: (json: unknown) => boolean;
};

export type Recorded = { method: string; url: string; json: unknown };

export const BASE = 'http://127.0.0.1:20443';

/**
 * An injected fetch answering from fixtures; unmatched requests get a 404 like a real server
 * would. Accepts both `(url, init)` calls and openapi-fetch's `(Request)` calls.
 */
export function fixtureFetch(routes: Route[]): FetchFn & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fn = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === 'POST' ? await request.text() : '';
    const json: unknown = text ? JSON.parse(text) : undefined;
    calls.push({ method: request.method, url: request.url, json });
    const path = `${url.pathname}${url.search}`;
    const route = routes.find(
      (r) =>
        r.method === request.method && r.path === path && (r.match === undefined || r.match(json)),
    );
    if (!route) {
      return new Response(JSON.stringify({ error: `no route for ${request.method} ${path}` }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    }
    const body = route.text ?? JSON.stringify(route.body);
    return new Response(body, {
      status: route.status ?? 200,
      headers: { 'content-type': route.text === undefined ? 'application/json' : 'text/plain' },
    });
  };
  return Object.assign(fn, { calls });
}
