import type { z } from 'zod';
import { HttpError, NetworkError, ResponseShapeError } from './errors.ts';

/** The `fetch` the client uses; inject one in tests or to add auth headers, proxies, retries. */
export type FetchFn = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function bodyDetails(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/** One HTTP exchange. Returns the status and parsed body; throws only NetworkError. */
export async function send(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
): Promise<{ status: number; ok: boolean; body: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (cause) {
    throw new NetworkError(`request to ${url} failed`, {
      url,
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
    });
  }
  let body: unknown;
  try {
    body = await readBody(response);
  } catch (cause) {
    throw new NetworkError(`reading the response of ${url} failed`, {
      url,
      status: response.status,
      cause,
    });
  }
  return { status: response.status, ok: response.ok, body };
}

/** Throws HttpError for a non-2xx answer. */
export function expectOk(
  result: { status: number; ok: boolean; body: unknown },
  url: string,
): void {
  if (!result.ok) {
    const details = bodyDetails(result.body);
    throw new HttpError(`HTTP ${result.status} from ${url}`, {
      url,
      status: result.status,
      body: result.body,
      ...(details === undefined ? {} : { details }),
    });
  }
}

/** Validates a 2xx body against `schema`, throwing ResponseShapeError with the issues. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, url: string, status: number): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(`unexpected response shape from ${url}`, {
      url,
      status,
      body,
      details: parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    });
  }
  return parsed.data;
}

/** GET or POST JSON, expect 2xx, validate the body. */
export async function requestJson<T>(
  fetchFn: FetchFn,
  url: string,
  schema: z.ZodType<T>,
  init: { method?: 'GET' | 'POST'; json?: unknown } = {},
): Promise<T> {
  const requestInit: RequestInit = {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json' },
  };
  if (init.json !== undefined) {
    requestInit.method = 'POST';
    requestInit.headers = { accept: 'application/json', 'content-type': 'application/json' };
    requestInit.body = JSON.stringify(init.json);
  }
  const result = await send(fetchFn, url, requestInit);
  expectOk(result, url);
  return parseBody(schema, result.body, url, result.status);
}
