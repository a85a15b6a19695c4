import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { createWithBody, request } from '../../api/client';
import type { Robot, RobotCreated } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { CopyButton } from '../../components/CopyButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { usePagedList } from '../../hooks';
import { useCan, useProject } from './ProjectLayout';

// What a project robot may be given, as Harbor's portal offers it.
const PERMISSIONS: { resource: string; action: string; label: string }[] = [
  { resource: 'repository', action: 'pull', label: 'Pull repositories' },
  { resource: 'repository', action: 'push', label: 'Push repositories' },
  { resource: 'artifact', action: 'delete', label: 'Delete artifacts' },
  { resource: 'tag', action: 'create', label: 'Create tags' },
  { resource: 'tag', action: 'delete', label: 'Delete tags' },
  { resource: 'artifact-label', action: 'create', label: 'Add labels to artifacts' },
];

function expiry(robot: Robot): string {
  if (robot.duration === -1 || !robot.expires_at || robot.expires_at < 0) return 'Never';
  return new Date(robot.expires_at * 1000).toLocaleString();
}

export function RobotsTab() {
  const project = useProject();
  const can = useCan();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<RobotCreated | null>(null);
  const [removing, setRemoving] = useState<Robot | null>(null);
  const list = usePagedList<Robot>('/robots', { q: `Level=project,ProjectID=${project.project_id}` });
  const toggle = useMutation({
    mutationFn: (robot: Robot) =>
      request(`/robots/${robot.id}`, { method: 'PUT', body: { ...robot, disable: !robot.disable } }),
  });
  const columns: ColumnDef<Robot>[] = [
    { header: 'Name', cell: ({ row }) => row.original.name },
    { header: 'Status', cell: ({ row }) => (row.original.disable ? 'Disabled' : 'Enabled') },
    {
      header: 'Permissions',
      cell: ({ row }) =>
        (row.original.permissions ?? []).flatMap((p) => p.access.map((a) => `${a.action} ${a.resource}`)).join(', '),
    },
    { header: 'Expires', cell: ({ row }) => expiry(row.original) },
    { header: 'Description', cell: ({ row }) => row.original.description ?? '' },
    { header: 'Created', cell: ({ row }) => time(row.original.creation_time) },
    {
      header: 'Actions',
      cell: ({ row }) => (
        <span className="row-actions">
          {' '}
          {can('robot', 'update') && (
            <button type="button" onClick={() => toggle.mutate(row.original)}>
              {row.original.disable ? 'Enable' : 'Disable'}{' '}
            </button>
          )}
          {can('robot', 'delete') && (
            <button type="button" onClick={() => setRemoving(row.original)} aria-label={`Delete ${row.original.name}`}>
              Delete
            </button>
          )}
        </span>
      ),
    },
  ];
  return (
    <div>
      <div className="toolbar">
        {can('robot', 'create') && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            New Robot Account
          </button>
        )}
      </div>
      <ErrorNote error={toggle.error} />
      <DataTable
        label="Robot accounts"
        columns={columns}
        rows={list.data?.items}
        loading={list.isFetching}
        error={<ErrorNote error={list.error} />}
        empty="No robot accounts."
        paging={list.paging}
        rowKey={(r) => r.id}
      />
      <Dialog title="New Robot Account" open={adding} onClose={() => setAdding(false)}>
        <NewRobot
          projectName={project.name}
          onCreated={(robot) => {
            setAdding(false);
            setCreated(robot);
          }}
          onCancel={() => setAdding(false)}
        />
      </Dialog>
      <Dialog title="Robot Account Created" open={created !== null} onClose={() => setCreated(null)}>
        <p>Copy the secret now: it is shown only once.</p>
        <dl className="facts">
          <dt>Name</dt>
          <dd className="mono">{created?.name}</dd>
          <dt>Secret</dt>
          <dd className="mono secret">
            {created?.secret} <CopyButton label="Copy the secret" text={created?.secret ?? ''} />
          </dd>
        </dl>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      </Dialog>
      <Confirm
        title="Delete Robot Account"
        message={`Delete ${removing?.name}? Whatever uses its secret will be refused.`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`/robots/${removing?.id}`, { method: 'DELETE' })}
      />
    </div>
  );
}

function NewRobot({
  projectName,
  onCreated,
  onCancel,
}: {
  projectName: string;
  onCreated: (r: RobotCreated) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [days, setDays] = useState('30');
  const [chosen, setChosen] = useState<Set<number>>(new Set([0]));
  const [problem, setProblem] = useState('');
  const mutation = useMutation({
    mutationFn: (duration: number) =>
      createWithBody<RobotCreated>('/robots', {
        name: name.trim(),
        description,
        level: 'project',
        duration,
        disable: false,
        permissions: [
          {
            kind: 'project',
            namespace: projectName,
            access: [...chosen].map((i) => ({ resource: PERMISSIONS[i]!.resource, action: PERMISSIONS[i]!.action })),
          },
        ],
      }),
    onSuccess: onCreated,
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const duration = Number(days);
    if (!Number.isInteger(duration) || (duration < 1 && duration !== -1) || duration > 36500) {
      setProblem('Expiry is a whole number of days (up to 36500), or -1 for never.');
    } else if (chosen.size === 0) {
      setProblem('Choose at least one permission.');
    } else {
      setProblem('');
      mutation.mutate(duration);
    }
  };
  return (
    <form className="stack" onSubmit={submit}>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        Expires in days
        <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <fieldset>
        <legend>Permissions</legend>
        {PERMISSIONS.map((p, i) => (
          <label key={p.label} className="check">
            <input
              type="checkbox"
              checked={chosen.has(i)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(i);
                else next.delete(i);
                setChosen(next);
              }}
            />{' '}
            {p.label}
          </label>
        ))}
      </fieldset>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={mutation.error} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={mutation.isPending || !name.trim()}>
          Add
        </button>
      </div>
    </form>
  );
}
