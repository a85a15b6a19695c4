import { useState } from 'react';
import { CleanUpTabs, RunHistory, ScheduleForm, useRunNow, useRuns } from '../../components/SystemJobs';
import { ErrorNote } from '../../components/Notice';
import { bytes } from '../../format';

const BASE = '/system/gc';

// What a run was asked and, once it ended, what it did.
function summary(p: Record<string, unknown>): string {
  const parts: string[] = [];
  if (p.dry_run) parts.push('dry run');
  if (p.delete_untagged) parts.push('untagged deleted');
  if (typeof p.freed_blobs === 'number') parts.push(`${p.freed_blobs} blobs freed`);
  if (typeof p.freed_space === 'number') parts.push(bytes(p.freed_space));
  if (typeof p.deleted_manifests === 'number') parts.push(`${p.deleted_manifests} manifests deleted`);
  return parts.join(', ');
}

export function GcPage() {
  const [dryRun, setDryRun] = useState(false);
  const [untagged, setUntagged] = useState(false);
  const [workers, setWorkers] = useState(1);
  const run = useRunNow(BASE);
  const { active } = useRuns(BASE);
  const parameters = { delete_untagged: untagged, dry_run: dryRun, workers };
  return (
    <section>
      <CleanUpTabs />
      <p className="meta">
        Garbage collection frees the blobs that no manifest refers to any more. Berth keeps serving while it runs.
      </p>
      <ScheduleForm base={BASE} parameters={{ ...parameters, dry_run: false }} />
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate(parameters);
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
        <button type="submit" className="primary" disabled={run.isPending || !!active}>
          GC Now
        </button>
        <ErrorNote error={run.error} />
      </form>
      <RunHistory base={BASE} label="Garbage collection" summary={summary} />
    </section>
  );
}
