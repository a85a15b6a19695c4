import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../api/types';
import { kind, platforms, pullCommand } from './RepositoryPage';

const image: Artifact = {
  id: 1,
  digest: 'sha256:aa',
  type: 'IMAGE',
  extra_attrs: { os: 'linux', architecture: 'amd64' },
};
const index: Artifact = {
  id: 2,
  digest: 'sha256:bb',
  type: 'IMAGE',
  references: [
    { child_digest: 'sha256:c1', platform: { os: 'linux', architecture: 'amd64' } },
    { child_digest: 'sha256:c2', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
};

describe('an artifact in the list', () => {
  it('names its platforms, or those of the images an index holds', () => {
    expect(platforms(image)).toEqual(['linux/amd64']);
    expect(platforms(index)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(kind(index)).toBe('Index');
    expect(kind(image)).toBe('Image');
  });

  it('is pulled by tag or by digest from this host', () => {
    expect(pullCommand('web', 'busybox', 'multi')).toBe(`docker pull ${window.location.host}/web/busybox:multi`);
    expect(pullCommand('web', 'team/app', 'sha256:bb')).toBe(
      `docker pull ${window.location.host}/web/team/app@sha256:bb`,
    );
  });
});
