import { describe, expect, it } from 'vitest';

import { safeNext } from './LoginPage';

describe('the page after login', () => {
  it('is the one asked for when it is on this site', () => {
    expect(safeNext('/projects/web/members')).toBe('/projects/web/members');
  });

  it('is the projects for anything that would leave the site', () => {
    for (const next of [
      null,
      '',
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example/x',
      'javascript:alert(1)',
    ]) {
      expect(safeNext(next)).toBe('/projects');
    }
  });
});
