import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { request } from '../../api/client';
import type { JobQueue, ScheduleTask, Worker, WorkerPool } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { usePagedList } from '../../hooks';

// Harbor's Job Service Dashboard: the queues of pending jobs, the worker pools and what each
// worker runs, and the schedules. Refreshed every few seconds, as the jobs move.
const scheduleColumns: ColumnDef<ScheduleTask>[] = [
  { header: 'Vendor type', cell: ({ row }) => row.original.vendor_type },
  { header: 'Vendor', cell: ({ row }) => row.original.vendor_id ?? '' },
  { header: 'Cron', cell: ({ row }) => <span className="mono">{row.original.cron}</span> },
  { header: 'Updated', cell: ({ row }) => time(row.original.update_time) },
];

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
  const schedules = usePagedList<ScheduleTask>('/schedules', {});
  const act = useMutation({
    mutationFn: ({ type, action }: { type: string; action: string }) =>
      request(`/jobservice/queues/${encodeURIComponent(type)}`, { method: 'PUT', body: { action } }),
  });
  const queueColumns: ColumnDef<JobQueue>[] = [
    { header: 'Job type', cell: ({ row }) => row.original.job_type },
    { header: 'Pending', cell: ({ row }) => row.original.count },
    { header: 'Latency', cell: ({ row }) => `${row.original.latency} s` },
    { header: 'Paused', cell: ({ row }) => (row.original.paused ? 'Yes' : 'No') },
    {
      header: 'Actions',
      cell: ({ row }) => {
        const q = row.original;
        return (
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
        );
      },
    },
  ];
  return (
    <section>
      <PageTitle>Job Service Dashboard</PageTitle>
      <ErrorNote error={queues.error ?? pools.error ?? schedules.error ?? act.error} />
      <h2>Pending jobs</h2>
      <DataTable label="Job queues" columns={queueColumns} rows={queues.data} rowKey={(q) => q.job_type} />
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
      <DataTable
        label="Schedules"
        columns={scheduleColumns}
        rows={schedules.data?.items}
        empty="Nothing is scheduled."
        paging={schedules.paging}
        rowKey={(t) => t.id}
      />
    </section>
  );
}
