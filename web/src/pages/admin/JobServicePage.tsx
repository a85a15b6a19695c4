import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import { request, requestPage } from '../../api/client';
import type { JobQueue, ScheduleTask, Worker, WorkerPool } from '../../api/types';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';

// Harbor's Job Service Dashboard: the queues of pending jobs, the worker pools and what each
// worker runs, and the schedules. Refreshed every few seconds, as the jobs move.
export function JobServicePage() {
  const queues = useQuery({
    queryKey: ['jobservice', 'queues'],
    queryFn: () => request<JobQueue[]>('/jobservice/queues'),
    refetchInterval: 3000,
  });
  const pools = useQuery({
    queryKey: ['jobservice', 'pools'],
    queryFn: async () => {
      const list = await request<WorkerPool[]>('/jobservice/pools');
      return Promise.all(
        list.map(async (pool) => ({
          pool,
          workers: await request<Worker[]>(`/jobservice/pools/${encodeURIComponent(pool.worker_pool_id)}/workers`),
        })),
      );
    },
    refetchInterval: 3000,
  });
  const schedules = useQuery({
    queryKey: ['jobservice', 'schedules'],
    queryFn: () => requestPage<ScheduleTask>('/schedules', { page: 1, page_size: 50 }),
  });
  const act = useMutation({
    mutationFn: ({ type, action }: { type: string; action: string }) =>
      request(`/jobservice/queues/${encodeURIComponent(type)}`, { method: 'PUT', body: { action } }),
  });
  return (
    <section>
      <PageTitle>Job Service Dashboard</PageTitle>
      <ErrorNote error={queues.error ?? pools.error ?? schedules.error ?? act.error} />
      <h2>Pending jobs</h2>
      <table aria-label="Job queues">
        <thead>
          <tr>
            <th scope="col">Job type</th>
            <th scope="col">Pending</th>
            <th scope="col">Latency</th>
            <th scope="col">Paused</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {queues.data?.map((q) => (
            <tr key={q.job_type}>
              <td data-label="Job type">{q.job_type}</td>
              <td data-label="Pending">{q.count}</td>
              <td data-label="Latency">{q.latency} s</td>
              <td data-label="Paused">{q.paused ? 'Yes' : 'No'}</td>
              <td data-label="Actions">
                <span className="row-actions">
                  <button
                    type="button"
                    onClick={() => act.mutate({ type: q.job_type, action: q.paused ? 'resume' : 'pause' })}
                  >
                    {q.paused ? 'Resume' : 'Pause'}
                  </button>
                  <button
                    type="button"
                    disabled={q.count === 0}
                    onClick={() => act.mutate({ type: q.job_type, action: 'stop' })}
                    aria-label={`Stop the pending ${q.job_type} jobs`}
                  >
                    Stop
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Workers</h2>
      {pools.data?.map(({ pool, workers }) => (
        <article key={pool.worker_pool_id} className="card">
          <h3>
            {pool.host || pool.worker_pool_id} <small>pid {pool.pid}</small>
          </h3>
          <p className="meta">
            {pool.concurrency} workers · started {time(pool.start_at)} · heartbeat {time(pool.heartbeat_at)}
          </p>
          <ul className="plain">
            {workers.map((w) => (
              <li key={w.id}>
                {w.id}: {w.job_name ? `${w.job_name} (job ${w.job_id}) since ${time(w.start_at)}` : 'idle'}
              </li>
            ))}
          </ul>
        </article>
      ))}
      <h2>Schedules</h2>
      <table aria-label="Schedules">
        <thead>
          <tr>
            <th scope="col">Vendor type</th>
            <th scope="col">Vendor</th>
            <th scope="col">Cron</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {schedules.data?.items.map((s) => (
            <tr key={s.id}>
              <td data-label="Vendor type">{s.vendor_type}</td>
              <td data-label="Vendor">{s.vendor_id ?? ''}</td>
              <td data-label="Cron" className="mono">
                {s.cron}
              </td>
              <td data-label="Updated">{time(s.update_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {schedules.data?.items.length === 0 && <p className="empty">Nothing is scheduled.</p>}
    </section>
  );
}
