import { PageTitle } from '../../components/PageTitle';
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useOutletContext, useParams } from 'react-router';
import { projectPath, request } from '../../api/client';
import type { Project } from '../../api/types';
import { ErrorNote } from '../../components/Notice';
import { type Can, useProjectPermissions } from '../../permissions';
import { roleName } from '../../roles';

export function useProjectQuery(name: string) {
  return useQuery({
    queryKey: ['project', name],
    queryFn: () => request<Project>(projectPath(name)),
  });
}

// Each tab with what its list needs, as Harbor shows a tab only to those who may read it.
const TABS: [string, string, string | null][] = [
  ['summary', 'Summary', null],
  ['repositories', 'Repositories', 'repository'],
  ['members', 'Members', 'member'],
  ['robots', 'Robot Accounts', 'robot'],
  ['policy', 'Policy', 'tag-retention'],
  ['webhooks', 'Webhooks', 'notification-policy'],
  ['logs', 'Logs', 'log'],
  ['configuration', 'Configuration', null],
];

interface ProjectContext {
  project: Project;
  can: Can;
}

export function ProjectLayout() {
  const { project: name = '' } = useParams();
  const project = useProjectQuery(name);
  const can = useProjectPermissions(project.data?.project_id);
  return (
    <section>
      <p className="crumbs">
        <Link to="/projects">Projects</Link> /
      </p>
      <PageTitle>{name}</PageTitle>
      {project.data && (
        <p className="meta">
          {project.data.metadata?.public === 'true' ? 'Public' : 'Private'} · your role:{' '}
          {roleName(project.data.current_user_role_id)}
        </p>
      )}
      <ErrorNote error={project.error} />
      <nav className="tabs" aria-label="Project">
        {TABS.filter(([, , resource]) => !resource || can(resource, 'list')).map(([path, label]) => (
          <NavLink key={path} to={path}>
            {label}
          </NavLink>
        ))}
      </nav>
      {project.data && <Outlet context={{ project: project.data, can } satisfies ProjectContext} />}
    </section>
  );
}

export function useProject(): Project {
  return useOutletContext<ProjectContext>().project;
}

export function useCan(): Can {
  return useOutletContext<ProjectContext>().can;
}
