/**
 * The admin pages are a view over the control plane's own JSON API: every read and write goes
 * through `app.request` in-process with the signed-in user's bearer token, so authentication,
 * Cedar authorization and validation run exactly once, the same way as for any API client.
 */
export interface InProcessApi {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface ApiProblem {
  status: number;
  code: string;
  message: string;
  /** The route does not exist (yet) in this control plane: render a "not available" state. */
  unavailable: boolean;
}

export type ApiResult<T> = ({ ok: true; status: number; data: T } | ({ ok: false } & ApiProblem));

export interface ApiClient {
  get<T>(path: string): Promise<ApiResult<T>>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>>;
  /** The raw response (downloads: CSV/JSON exports); a body is sent as JSON. */
  raw(path: string, method?: 'GET' | 'POST', body?: unknown): Promise<Response>;
}

export function apiClient(api: InProcessApi, token: string | undefined): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => (token ? { ...extra, authorization: `Bearer ${token}` } : extra);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> => {
    const init: RequestInit = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    return toResult<T>(await api.request(path, init));
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    raw: async (path, method = 'GET', body) =>
      api.request(path, body === undefined ? { method, headers: headers() } : { method, headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) }),
  };
}

/**
 * The same client, answering repeated GETs of one path from the first answer: for a page whose
 * independent parts (the overview's tiles) read the same report, so one view asks once.
 */
export function sharingGets(client: ApiClient): ApiClient {
  const seen = new Map<string, Promise<ApiResult<unknown>>>();
  return {
    ...client,
    get: <T,>(path: string) => {
      if (!seen.has(path)) seen.set(path, client.get<unknown>(path));
      return seen.get(path)! as Promise<ApiResult<T>>;
    },
  };
}

async function toResult<T>(res: Response): Promise<ApiResult<T>> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`;
  const message = typeof error?.message === 'string' ? error.message : res.statusText || 'request failed';
  const unavailable = (res.status === 404 && message.startsWith('no route for ')) || res.status === 501;
  return { ok: false, status: res.status, code, message, unavailable };
}

/** `?a=1&b=…` from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
