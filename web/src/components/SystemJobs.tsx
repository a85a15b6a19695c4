import { PageTitle } from './PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { NavLink } from 'react-router';
import { request, requestText } from '../api/client';
import type { GcJob, Schedule } from '../api/types';
import { time } from '../format';
import { usePagedList } from '../hooks';
import { DataTable } from './DataTable';
import { Dialog } from './Dialog';
import { Status } from './Status';
import { ErrorNote } from './Notice';

// Garbage collection (/system/gc) and log rotation (/system/purgeaudit) are the same kind of
// thing to Harbor's API: a schedule, runs started now, and each run's history and log.

const SCHEDULES = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];
const ACTIVE = new Set(['Pending', 'Running', 'Scheduled']);

export function CleanUpTabs() {
  return (
    <>
      <PageTitle>Clean Up</PageTitle>
      <nav className="tabs" aria-label="Clean up">
        <NavLink to="/admin/clean-up/gc">Garbage Collection</NavLink>
        <NavLink to="/admin/clean-up/log-rotation">Log Rotation</NavLink>
      </nav>
    </>
  );
}

// "MANUAL" or "SCHEDULE" as Harbor's portal shows them.
function trigger(job: GcJob): string {
  const kind = job.job_kind ?? job.schedule?.type ?? '';
  return kind.charAt(0) + kind.slice(1).toLowerCase();
}

// The runs, newest first; while one is under way the list is asked again every second.
export function useRuns(base: string) {
  const history = usePagedList<GcJob>(base, {}, { refreshWhile: (jobs) => jobs.some((j) => ACTIVE.has(j.job_status)) });
  return { history, active: history.data?.items.find((j) => ACTIVE.has(j.job_status)) };
}

export function RunHistory({
  base,
  label,
  summary,
}: {
  base: string;
  label: string;
  summary: (parameters: Record<string, unknown>) => string;
}) {
  const [logOf, setLogOf] = useState<GcJob | null>(null);
  const { history, active } = useRuns(base);
  const stop = useMutation({ mutationFn: (id: number) => request(`${base}/${id}`, { method: 'PUT' }) });
  const columns: ColumnDef<GcJob>[] = [
    { header: 'Job ID', cell: ({ row }) => row.original.id },
    { header: 'Trigger', cell: ({ row }) => trigger(row.original) },
    { header: 'Status', cell: ({ row }) => <Status value={row.original.job_status} /> },
    { header: 'Details', cell: ({ row }) => details(row.original) },
    { header: 'Created', cell: ({ row }) => time(row.original.creation_time) },
    { header: 'Updated', cell: ({ row }) => time(row.original.update_time) },
    {
      header: 'Log',
      cell: ({ row }) => (
        <button type="button" onClick={() => setLogOf(row.original)} aria-label={`Log of run ${row.original.id}`}>
          Log
        </button>
      ),
    },
  ];
  const details = (job: GcJob) => {
    try {
      return summary(JSON.parse(job.job_parameters ?? '{}') as Record<string, unknown>);
    } catch {
      return '';
    }
  };
  return (
    <>
      {active && (
        <div className="progress" role="status" aria-live="polite">
          <progress aria-label={`${label} under way`} />
          <span>
            Run {active.id} is {active.job_status.toLowerCase()} since {time(active.creation_time)}.
          </span>
          <button type="button" onClick={() => stop.mutate(active.id)}>
            Stop
          </button>
          <LiveLog base={base} id={active.id} />
        </div>
      )}
      <ErrorNote error={stop.error} />
      <h2>History</h2>
      <DataTable
        label={`${label} history`}
        columns={columns}
        rows={history.data?.items}
        loading={history.isFetching}
        error={<ErrorNote error={history.error} />}
        empty="No runs yet."
        paging={history.paging}
        rowKey={(j) => j.id}
      />
      <Dialog title={`Log of run ${logOf?.id ?? ''}`} open={logOf !== null} onClose={() => setLogOf(null)}>
        {logOf && <LiveLog base={base} id={logOf.id} />}
      </Dialog>
    </>
  );
}

function LiveLog({ base, id }: { base: string; id: number }) {
  const log = useQuery({
    queryKey: [base, id, 'log'],
    queryFn: () => requestText(`${base}/${id}/log`),
    refetchInterval: 2000,
  });
  return (
    <>
      <ErrorNote error={log.error} />
      <pre className="log" tabIndex={0} aria-label={`Log of run ${id}`}>
        {log.data ?? 'Loading…'}
      </pre>
    </>
  );
}

// Runs now with `parameters`; refused while another run is under way.
export function useRunNow(base: string) {
  return useMutation({
    mutationFn: (parameters: Record<string, unknown>) =>
      request(`${base}/schedule`, { method: 'POST', body: { schedule: { type: 'Manual' }, parameters } }),
  });
}

export function ScheduleForm({ base, parameters }: { base: string; parameters: Record<string, unknown> }) {
  const schedule = useQuery({
    queryKey: [base, 'schedule'],
    queryFn: () => request<{ schedule?: Schedule }>(`${base}/schedule`),
  });
  const [edited, setEdited] = useState<Schedule | null>(null);
  const current: Schedule = edited ?? schedule.data?.schedule ?? { type: 'None' };
  const save = useMutation({
    mutationFn: () =>
      request(`${base}/schedule`, {
        method: 'PUT',
        body: { schedule: current.type === 'Custom' ? current : { type: current.type }, parameters },
      }),
    onSuccess: () => setEdited(null),
  });
  return (
    <form
      className="toolbar"
      aria-label="Schedule"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Schedule{' '}
        <select value={current.type ?? 'None'} onChange={(e) => setEdited({ ...current, type: e.target.value })}>
          {SCHEDULES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {current.type === 'Custom' && (
        <label>
          Cron{' '}
          <input
            value={current.cron ?? ''}
            placeholder="0 0 3 * * *"
            onChange={(e) => setEdited({ ...current, cron: e.target.value })}
          />
        </label>
      )}
      {current.type !== 'None' && current.type !== 'Custom' && schedule.data?.schedule?.cron && !edited && (
        <span className="meta">cron {schedule.data.schedule.cron}</span>
      )}
      <button type="submit" disabled={!edited || save.isPending}>
        Save
      </button>
      <ErrorNote error={schedule.error ?? save.error} />
    </form>
  );
}
