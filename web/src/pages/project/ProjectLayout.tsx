import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useOutletContext, useParams } from 'react-router';
import { projectPath, request } from '../../api/client';
import type { Project } from '../../api/types';
import { ErrorNote } from '../../components/Notice';
import { roleName } from '../../roles';

export function useProjectQuery(name: string) {
  return useQuery({
    queryKey: ['project', name],
    queryFn: () => request<Project>(projectPath(name)),
  });
}

const TABS = [
  ['summary', 'Summary'],
  ['repositories', 'Repositories'],
  ['members', 'Members'],
  ['robots', 'Robot Accounts'],
  ['policy', 'Policy'],
  ['webhooks', 'Webhooks'],
  ['logs', 'Logs'],
  ['configuration', 'Configuration'],
] as const;

export function ProjectLayout() {
  const { project: name = '' } = useParams();
  const project = useProjectQuery(name);
  return (
    <section>
      <p className="crumbs">
        <Link to="/projects">Projects</Link> /
      </p>
      <h1>{name}</h1>
      {project.data && (
        <p className="meta">
          {project.data.metadata?.public === 'true' ? 'Public' : 'Private'} · your role:{' '}
          {roleName(project.data.current_user_role_id)}
        </p>
      )}
      <ErrorNote error={project.error} />
      <nav className="tabs" aria-label="Project">
        {TABS.map(([path, label]) => (
          <NavLink key={path} to={path}>
            {label}
          </NavLink>
        ))}
      </nav>
      {project.data && <Outlet context={project.data} />}
    </section>
  );
}

export function useProject(): Project {
  return useOutletContext<Project>();
}
