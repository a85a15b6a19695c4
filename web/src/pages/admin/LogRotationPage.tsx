import { useState } from 'react';
import { ErrorNote } from '../../components/Notice';
import { CleanUpTabs, RunHistory, ScheduleForm, useRunNow, useRuns } from '../../components/SystemJobs';

const BASE = '/system/purgeaudit';
const OPERATIONS = ['create', 'delete', 'pull'];

function summary(p: Record<string, unknown>): string {
  const parts = [`older than ${String(p.audit_retention_hour ?? '?')} h`];
  if (p.include_operations) parts.push(String(p.include_operations));
  if (p.dry_run) parts.push('dry run');
  if (typeof p.purged === 'number') parts.push(`${p.purged} entries purged`);
  return parts.join(', ');
}

export function LogRotationPage() {
  const [hours, setHours] = useState('720');
  const [operations, setOperations] = useState<Set<string>>(new Set(OPERATIONS));
  const [dryRun, setDryRun] = useState(false);
  const [problem, setProblem] = useState('');
  const run = useRunNow(BASE);
  const { active } = useRuns(BASE);
  const retention = Number(hours);
  const parameters = {
    audit_retention_hour: retention,
    include_operations: [...operations].join(','),
    dry_run: dryRun,
  };
  const valid = Number.isInteger(retention) && retention >= 0 && retention <= 876000 && operations.size > 0;
  return (
    <section>
      <CleanUpTabs />
      <p className="meta">Log rotation purges the audit log entries older than you keep.</p>
      {valid && <ScheduleForm base={BASE} parameters={{ ...parameters, dry_run: false }} />}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) setProblem('Keep a whole number of hours (0 to 876000), and purge at least one operation.');
          else {
            setProblem('');
            run.mutate(parameters);
          }
        }}
      >
        <label>
          Keep the last <input inputMode="numeric" size={7} value={hours} onChange={(e) => setHours(e.target.value)} />{' '}
          hours
        </label>
        <fieldset className="inline">
          <legend>Operations to purge</legend>
          {OPERATIONS.map((op) => (
            <label key={op} className="check">
              <input
                type="checkbox"
                checked={operations.has(op)}
                onChange={(e) => {
                  const next = new Set(operations);
                  if (e.target.checked) next.add(op);
                  else next.delete(op);
                  setOperations(next);
                }}
              />{' '}
              {op}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run
        </label>
        <button type="submit" className="primary" disabled={run.isPending || !!active}>
          Purge Now
        </button>
      </form>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={run.error} />
      <RunHistory base={BASE} label="Log rotation" summary={summary} />
    </section>
  );
}
