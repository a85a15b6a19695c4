import { useQuery } from '@tanstack/react-query';
import { request } from './api/client';
import type { Permission } from './api/types';

export type Can = (resource: string, action: string) => boolean;

// What the user may do in a project, as the API says: actions they may not take are not
// offered (the server refuses them anyway).
export function useProjectPermissions(projectId: number | undefined): Can {
  const permissions = useQuery({
    queryKey: ['permissions', projectId],
    queryFn: () =>
      request<Permission[]>('/users/current/permissions', {
        query: { scope: `/project/${projectId}`, relative: true },
      }),
    enabled: projectId !== undefined,
    staleTime: 60_000,
  });
  const granted = new Set(permissions.data?.map((p) => `${p.resource}:${p.action}`));
  return (resource, action) => granted.has(`${resource}:${action}`);
}
