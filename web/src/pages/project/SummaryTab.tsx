import { useQuery } from '@tanstack/react-query';
import { projectPath, request } from '../../api/client';
import type { ProjectSummary } from '../../api/types';
import { ErrorNote } from '../../components/Notice';
import { PullsChart } from '../../components/PullsChart';
import { UsageBar } from '../../components/UsageBar';
import { useProject } from './ProjectLayout';

export function SummaryTab() {
  const project = useProject();
  const summary = useQuery({
    queryKey: ['project-summary', project.name],
    queryFn: () => request<ProjectSummary>(`${projectPath(project.name)}/summary`),
  });
  const s = summary.data;
  return (
    <>
      <div className="cards">
        <ErrorNote error={summary.error} />
        <article className="card">
          <h2>Repositories</h2>
          <p className="figure">{s?.repo_count ?? '—'}</p>
        </article>
        <article className="card">
          <h2>Members</h2>
          <dl>
            <dt>Project admins</dt>
            <dd>{s?.project_admin_count ?? 0}</dd>
            <dt>Maintainers</dt>
            <dd>{s?.maintainer_count ?? 0}</dd>
            <dt>Developers</dt>
            <dd>{s?.developer_count ?? 0}</dd>
            <dt>Guests</dt>
            <dd>{(s?.guest_count ?? 0) + (s?.limited_guest_count ?? 0)}</dd>
          </dl>
        </article>
        <article className="card">
          <h2>Storage quota</h2>
          <UsageBar used={s?.quota?.used?.storage ?? 0} limit={s?.quota?.hard?.storage} />
        </article>
      </div>
      <PullsChart path={`${projectPath(project.name)}/logs`} />
    </>
  );
}
