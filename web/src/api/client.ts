// The portal's one way to the server: Harbor's API under /api/v2.0 with the session cookie,
// the CSRF token the server hands back on every answer, and its {"errors":[...]} as ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  total: number;
}

type Query = Record<string, string | number | boolean | undefined>;

interface Options {
  method?: string;
  body?: unknown;
  query?: Query;
}

export const API = '/api/v2.0';
const CSRF_HEADER = 'X-Harbor-CSRF-Token';
// Set while this browser holds a session, so that a first visit goes straight to the login page
// instead of asking the server and being refused.
const SESSION_MARK = 'berth.session';

export function mayHaveSession(): boolean {
  return localStorage.getItem(SESSION_MARK) === '1';
}
let csrfToken = '';
let onUnauthorized: () => void = () => {};

// Called when a request finds the session gone, so that the app can return to the login page.
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

export function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return API + path + (search ? `?${search}` : '');
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'UNKNOWN';
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    if (first) {
      code = first.code ?? code;
      message = first.message ?? message;
    }
  } catch {
    // Not JSON (a proxy's page, say): the status line says what there is to say.
  }
  return new ApiError(res.status, code, message);
}

async function send(path: string, options: Options): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const token = res.headers.get(CSRF_HEADER);
  if (token) csrfToken = token;
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401) {
      localStorage.removeItem(SESSION_MARK);
      onUnauthorized();
    }
    throw error;
  }
  return res;
}

export async function request<T>(path: string, options: Options = {}): Promise<T> {
  const res = await send(path, options);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function requestText(path: string): Promise<string> {
  return (await send(path, {})).text();
}

// A page of a list: Harbor gives the total in X-Total-Count.
export async function requestPage<T>(path: string, query: Query): Promise<Page<T>> {
  const res = await send(path, { query });
  const items = ((await res.json()) as T[] | null) ?? [];
  const total = Number(res.headers.get('X-Total-Count') ?? items.length);
  return { items, total: Number.isFinite(total) ? total : items.length };
}

// A POST of `body`; its answer when there is one (a robot's secret), nothing for a 201.
export async function post<T = void>(path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: 'POST', body });
}

export async function logIn(principal: string, password: string): Promise<void> {
  const res = await fetch('/c/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    credentials: 'same-origin',
    body: new URLSearchParams({ principal, password }).toString(),
  });
  if (!res.ok) throw await errorOf(res);
  csrfToken = res.headers.get(CSRF_HEADER) ?? '';
  localStorage.setItem(SESSION_MARK, '1');
}

export async function logOut(): Promise<void> {
  await fetch('/c/log_out', { credentials: 'same-origin' });
  csrfToken = '';
  localStorage.removeItem(SESSION_MARK);
}

// A repository name in a path: Harbor's API takes its slashes encoded twice ("a%252Fb").
export function repoPath(name: string): string {
  return encodeURIComponent(encodeURIComponent(name));
}

export function projectPath(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
