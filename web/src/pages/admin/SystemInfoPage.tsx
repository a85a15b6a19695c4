import { PageTitle } from '../../components/PageTitle';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { Statistics, SystemInfo } from '../../api/types';
import { ErrorNote } from '../../components/Notice';
import { PullsChart } from '../../components/PullsChart';
import { StorageByProject } from '../../components/StorageByProject';
import { UsageBar } from '../../components/UsageBar';
import { bytes } from '../../format';

export function SystemInfoPage() {
  const info = useQuery({ queryKey: ['systeminfo'], queryFn: () => request<SystemInfo>('/systeminfo') });
  const stats = useQuery({ queryKey: ['statistics'], queryFn: () => request<Statistics>('/statistics') });
  const volumes = useQuery({
    queryKey: ['volumes'],
    queryFn: () => request<{ storage: { total: number; free: number }[] }>('/systeminfo/volumes'),
  });
  const volume = volumes.data?.storage[0];
  return (
    <section>
      <PageTitle>System Info</PageTitle>
      <ErrorNote error={info.error ?? stats.error ?? volumes.error} />
      <div className="cards">
        <article className="card">
          <h2>Berth</h2>
          <dl>
            <dt>Version</dt>
            <dd>{info.data?.harbor_version ?? '—'}</dd>
            <dt>Authentication</dt>
            <dd>{info.data?.auth_mode ?? '—'}</dd>
            <dt>Registry</dt>
            <dd className="mono">{info.data?.registry_url ?? info.data?.external_url ?? '—'}</dd>
            <dt>Read only</dt>
            <dd>{info.data?.read_only ? 'Yes' : 'No'}</dd>
          </dl>
        </article>
        <article className="card">
          <h2>Content</h2>
          <dl>
            <dt>Projects</dt>
            <dd>
              {stats.data?.total_project_count ?? '—'} ({stats.data?.public_project_count ?? 0} public)
            </dd>
            <dt>Repositories</dt>
            <dd>{stats.data?.total_repo_count ?? '—'}</dd>
            <dt>Storage used</dt>
            <dd>{bytes(stats.data?.total_storage_consumption)}</dd>
          </dl>
        </article>
        {volume && (
          <article className="card">
            <h2>Data volume</h2>
            <UsageBar used={volume.total - volume.free} limit={volume.total} />
          </article>
        )}
      </div>
      <div className="charts">
        <StorageByProject />
        <PullsChart path="/audit-logs" />
      </div>
    </section>
  );
}
