import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { request, requestPage, requestText } from '../../api/client';
import type { GcJob, Schedule } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { bytes, time } from '../../format';

const SCHEDULES = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];
const ACTIVE = new Set(['Pending', 'Running', 'Scheduled']);

// What a run was asked and, once it ended, what it did (job_parameters is JSON text).
function summary(job: GcJob): string {
  try {
    const p = JSON.parse(job.job_parameters ?? '{}') as Record<string, unknown>;
    const parts: string[] = [];
    if (p.dry_run) parts.push('dry run');
    if (p.delete_untagged) parts.push('untagged deleted');
    if (typeof p.freed_blobs === 'number') parts.push(`${p.freed_blobs} blobs freed`);
    if (typeof p.freed_space === 'number') parts.push(bytes(p.freed_space));
    if (typeof p.deleted_manifests === 'number') parts.push(`${p.deleted_manifests} manifests deleted`);
    return parts.join(', ');
  } catch {
    return '';
  }
}

// "MANUAL" or "SCHEDULE" as Harbor's portal shows them.
function trigger(job: GcJob): string {
  const kind = job.job_kind ?? job.schedule?.type ?? '';
  return kind.charAt(0) + kind.slice(1).toLowerCase();
}

export function GcPage() {
  const [logOf, setLogOf] = useState<GcJob | null>(null);
  const history = useQuery({
    queryKey: ['gc-history'],
    queryFn: () => requestPage<GcJob>('/system/gc', { page: 1, page_size: 10 }),
    // Live progress: while a run is under way, ask every second.
    refetchInterval: (q) => (q.state.data?.items.some((j) => ACTIVE.has(j.job_status)) ? 1000 : false),
  });
  const active = history.data?.items.find((j) => ACTIVE.has(j.job_status));
  const stop = useMutation({ mutationFn: (id: number) => request(`/system/gc/${id}`, { method: 'PUT' }) });
  return (
    <section>
      <h1>Clean Up</h1>
      <p className="meta">
        Garbage collection frees the blobs that no manifest refers to any more. Berth keeps serving while it runs.
      </p>
      <GcSchedule />
      <RunNow running={!!active} />
      {active && (
        <div className="progress" role="status" aria-live="polite">
          <progress aria-label="Garbage collection under way" />
          <span>
            Run {active.id} is {active.job_status.toLowerCase()} since {time(active.creation_time)}.
          </span>
          <button type="button" onClick={() => stop.mutate(active.id)}>
            Stop
          </button>
          <LiveLog id={active.id} />
        </div>
      )}
      <ErrorNote error={stop.error} />
      <h2>History</h2>
      <ErrorNote error={history.error} />
      <table aria-label="Garbage collection history">
        <thead>
          <tr>
            <th scope="col">Job ID</th>
            <th scope="col">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col">Details</th>
            <th scope="col">Created</th>
            <th scope="col">Updated</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {history.data?.items.map((j) => (
            <tr key={j.id}>
              <td data-label="Job ID">{j.id}</td>
              <td data-label="Trigger">{trigger(j)}</td>
              <td data-label="Status">
                <span className={`status status-${j.job_status.toLowerCase()}`}>{j.job_status}</span>
              </td>
              <td data-label="Details">{summary(j)}</td>
              <td data-label="Created">{time(j.creation_time)}</td>
              <td data-label="Updated">{time(j.update_time)}</td>
              <td data-label="Log">
                <button type="button" onClick={() => setLogOf(j)} aria-label={`Log of run ${j.id}`}>
                  Log
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history.data?.items.length === 0 && <p className="empty">No runs yet.</p>}
      <Dialog title={`Log of run ${logOf?.id ?? ''}`} open={logOf !== null} onClose={() => setLogOf(null)}>
        {logOf && <LiveLog id={logOf.id} />}
      </Dialog>
    </section>
  );
}

function LiveLog({ id }: { id: number }) {
  const log = useQuery({
    queryKey: ['gc-log', id],
    queryFn: () => requestText(`/system/gc/${id}/log`),
    refetchInterval: 2000,
  });
  return (
    <>
      <ErrorNote error={log.error} />
      <pre className="log" tabIndex={0} aria-label={`Log of garbage collection ${id}`}>
        {log.data ?? 'Loading…'}
      </pre>
    </>
  );
}

function RunNow({ running }: { running: boolean }) {
  const [dryRun, setDryRun] = useState(false);
  const [untagged, setUntagged] = useState(false);
  const [workers, setWorkers] = useState(1);
  const run = useMutation({
    mutationFn: () =>
      request('/system/gc/schedule', {
        method: 'POST',
        body: { schedule: { type: 'Manual' }, parameters: { delete_untagged: untagged, dry_run: dryRun, workers } },
      }),
  });
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        run.mutate();
      }}
    >
      <label className="check">
        <input type="checkbox" checked={untagged} onChange={(e) => setUntagged(e.target.checked)} /> Delete untagged
        artifacts
      </label>
      <label className="check">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run
      </label>
      <label>
        Workers{' '}
        <select value={workers} onChange={(e) => setWorkers(Number(e.target.value))}>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={run.isPending || running}>
        GC Now
      </button>
      <ErrorNote error={run.error} />
    </form>
  );
}

function GcSchedule() {
  const schedule = useQuery({
    queryKey: ['gc-schedule'],
    queryFn: () => request<{ schedule?: Schedule }>('/system/gc/schedule'),
  });
  const [edited, setEdited] = useState<Schedule | null>(null);
  const current: Schedule = edited ?? schedule.data?.schedule ?? { type: 'None' };
  const save = useMutation({
    mutationFn: () =>
      request('/system/gc/schedule', {
        method: 'PUT',
        body: {
          schedule: current.type === 'Custom' ? current : { type: current.type },
          parameters: { delete_untagged: false, workers: 1 },
        },
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
