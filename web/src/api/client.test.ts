import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError, logIn, mayHaveSession, repoPath, request, requestPage, setUnauthorizedHandler, url } from './client';

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('the API client', () => {
  it('leaves empty parameters out of the query', () => {
    expect(url('/projects', { q: 'name=~web', page: 2, page_size: 15, sort: undefined, with_detail: '' })).toBe(
      '/api/v2.0/projects?q=name%3D%7Eweb&page=2&page_size=15',
    );
  });

  it("encodes a repository's slashes twice, as Harbor's paths take them", () => {
    expect(repoPath('team/app')).toBe('team%252Fapp');
  });

  it('reads the total of a list from X-Total-Count', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => answer(200, [{ id: 1 }, { id: 2 }], { 'X-Total-Count': '5000' })),
    );
    const page = await requestPage<{ id: number }>('/projects', { page: 1 });
    expect(page.total).toBe(5000);
    expect(page.items).toHaveLength(2);
  });

  it("turns Harbor's error body into an ApiError", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        answer(409, {
          errors: [{ code: 'CONFLICT', message: 'the project exists' }],
        }),
      ),
    );
    const error = await request('/projects', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'the project exists' });
  });

  it('sends the CSRF token it was given with each change, and none with a read', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      answer(200, {}, { 'X-Harbor-CSRF-Token': 'token-1' }),
    );
    vi.stubGlobal('fetch', fetch);
    await logIn('admin', 'secret');
    expect(mayHaveSession()).toBe(true);
    await request('/projects');
    await request('/projects', { method: 'POST', body: { project_name: 'a' } });
    const headers = (call: number) => (fetch.mock.calls[call]?.[1]?.headers ?? {}) as Record<string, string>;
    expect(fetch.mock.calls[0]?.[1]?.body).toBe('principal=admin&password=secret');
    expect(headers(1)['X-Harbor-CSRF-Token']).toBeUndefined();
    expect(headers(2)['X-Harbor-CSRF-Token']).toBe('token-1');
  });

  it('forgets the session and says so when the server refuses it', async () => {
    localStorage.setItem('berth.session', '1');
    const unauthorized = vi.fn();
    setUnauthorizedHandler(unauthorized);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        answer(401, {
          errors: [{ code: 'UNAUTHORIZED', message: 'the session has expired' }],
        }),
      ),
    );
    await expect(request('/projects')).rejects.toMatchObject({ status: 401 });
    expect(unauthorized).toHaveBeenCalledOnce();
    expect(mayHaveSession()).toBe(false);
  });
});
