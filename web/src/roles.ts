// Harbor's project roles, by the ids its API uses.
export const ROLES: { id: number; name: string }[] = [
  { id: 1, name: 'Project Admin' },
  { id: 4, name: 'Maintainer' },
  { id: 2, name: 'Developer' },
  { id: 3, name: 'Guest' },
  { id: 5, name: 'Limited Guest' },
];

export function roleName(id: number | undefined): string {
  return ROLES.find((r) => r.id === id)?.name ?? '—';
}
