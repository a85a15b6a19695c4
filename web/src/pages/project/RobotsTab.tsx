import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, request } from '../../api/client';
import type { Robot, RobotCreated } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { CopyButton } from '../../components/CopyButton';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { usePagedList } from '../../hooks';
import { useCan, useProject } from './ProjectLayout';
import { FormActions } from '../../components/FormActions';

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
              {row.original.disable ? 'Enable' : 'Disable'}
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
      <PagedTable
        label="Robot accounts"
        columns={columns}
        list={list}
        empty="No robot accounts."
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

interface NewRobotFields {
  name: string;
  description: string;
  days: string;
  permissions: string[];
}

// Harbor's robot names: lower-case letters, digits and . _ -.
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function NewRobot({
  projectName,
  onCreated,
  onCancel,
}: {
  projectName: string;
  onCreated: (r: RobotCreated) => void;
  onCancel: () => void;
}) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<NewRobotFields>({ defaultValues: { name: '', description: '', days: '30', permissions: ['0'] } });
  const mutation = useMutation({
    mutationFn: (f: NewRobotFields) =>
      post<RobotCreated>('/robots', {
        name: f.name.trim(),
        description: f.description,
        level: 'project',
        duration: Number(f.days),
        disable: false,
        permissions: [
          {
            kind: 'project',
            namespace: projectName,
            access: f.permissions.map((i) => ({
              resource: PERMISSIONS[Number(i)]!.resource,
              action: PERMISSIONS[Number(i)]!.action,
            })),
          },
        ],
      }),
    onSuccess: onCreated,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => mutation.mutate(f))}>
      <Field label="Name" error={errors.name?.message}>
        <input
          autoFocus
          {...register('name', {
            required: 'Name the robot',
            validate: (v) => ROBOT_NAME.test(v.trim()) || 'Lower-case letters and digits, with . _ - between them',
          })}
        />
      </Field>
      <Field label="Description">
        <input {...register('description')} />
      </Field>
      <Field label="Expires in days" hint="-1 for never" error={errors.days?.message}>
        <input
          inputMode="numeric"
          {...register('days', {
            validate: (v) => {
              const n = Number(v);
              return (Number.isInteger(n) && (n === -1 || (n >= 1 && n <= 36500))) || 'Whole days, 1 to 36500, or -1';
            },
          })}
        />
      </Field>
      <fieldset>
        <legend>Permissions</legend>
        {PERMISSIONS.map((p, i) => (
          <label key={p.label} className="check">
            <input
              type="checkbox"
              value={String(i)}
              {...register('permissions', { validate: (v) => v.length > 0 || 'Choose at least one permission' })}
            />{' '}
            {p.label}
          </label>
        ))}
        {errors.permissions && <span className="field-error">{errors.permissions.message}</span>}
      </fieldset>
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onCancel} disabled={mutation.isPending} submit="Add" />
    </form>
  );
}
