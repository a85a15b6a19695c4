import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, projectPath, request } from '../../api/client';
import type { Execution, WebhookPolicy } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { Status } from '../../components/Status';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { usePagedList } from '../../hooks';
import { useCan, useProject } from './ProjectLayout';
import { FormActions } from '../../components/FormActions';

// Harbor's names of its event types, as people read them.
function eventLabel(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word, i) => (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word))
    .join(' ');
}

export function WebhooksTab() {
  const project = useProject();
  const can = useCan();
  const base = `${projectPath(project.name)}/webhook/policies`;
  const [editing, setEditing] = useState<WebhookPolicy | 'new' | null>(null);
  const [removing, setRemoving] = useState<WebhookPolicy | null>(null);
  const [watching, setWatching] = useState<WebhookPolicy | null>(null);
  const policies = usePagedList<WebhookPolicy>(base, {});
  const toggle = useMutation({
    mutationFn: (p: WebhookPolicy) =>
      request(`${base}/${p.id}`, { method: 'PUT', body: { ...p, enabled: !p.enabled } }),
  });
  const columns: ColumnDef<WebhookPolicy>[] = [
    { header: 'Name', cell: ({ row }) => row.original.name },
    { header: 'Enabled', cell: ({ row }) => (row.original.enabled ? 'Yes' : 'No') },
    { header: 'Endpoint', cell: ({ row }) => <span className="mono">{row.original.targets[0]?.address}</span> },
    { header: 'Event types', cell: ({ row }) => row.original.event_types.map(eventLabel).join(', ') },
    { header: 'Created', cell: ({ row }) => time(row.original.creation_time) },
    {
      header: 'Actions',
      cell: ({ row }) => {
        const p = row.original;
        return (
          <span className="row-actions">
            <button type="button" onClick={() => setWatching(p)} aria-label={`Executions of ${p.name}`}>
              Executions
            </button>
            {can('notification-policy', 'update') && (
              <>
                <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                  Edit
                </button>
                <button type="button" onClick={() => toggle.mutate(p)}>
                  {p.enabled ? 'Disable' : 'Enable'}
                </button>
              </>
            )}
            {can('notification-policy', 'delete') && (
              <button type="button" onClick={() => setRemoving(p)} aria-label={`Delete ${p.name}`}>
                Delete
              </button>
            )}
          </span>
        );
      },
    },
  ];
  return (
    <div>
      <div className="toolbar">
        {can('notification-policy', 'create') && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New Webhook
          </button>
        )}
      </div>
      <ErrorNote error={toggle.error} />
      <PagedTable
        label="Webhooks"
        columns={columns}
        list={policies}
        empty="No webhooks: add one to hear of pushes, pulls and deletions."
        rowKey={(p) => p.id}
      />
      <Dialog
        title={editing === 'new' ? 'New Webhook' : 'Edit Webhook'}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <WebhookForm
            base={base}
            eventsPath={`${projectPath(project.name)}/webhook/events`}
            policy={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Dialog>
      <Dialog
        title={`Executions of ${watching?.name ?? ''}`}
        open={watching !== null}
        onClose={() => setWatching(null)}
      >
        {watching && <Executions path={`${base}/${watching.id}/executions`} />}
      </Dialog>
      <Confirm
        title="Delete Webhook"
        message={`Delete the webhook ${removing?.name}?`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`${base}/${removing?.id}`, { method: 'DELETE' })}
      />
    </div>
  );
}

const executionColumns: ColumnDef<Execution>[] = [
  { header: 'ID', cell: ({ row }) => row.original.id },
  { header: 'Event type', cell: ({ row }) => eventLabel(String(row.original.extra_attrs?.event_type ?? '')) },
  { header: 'Status', cell: ({ row }) => <Status value={row.original.status} /> },
  { header: 'Started', cell: ({ row }) => time(row.original.start_time) },
];

function Executions({ path }: { path: string }) {
  const executions = usePagedList<Execution>(
    path,
    {},
    { refreshWhile: (items) => items.some((e) => e.status === 'Running' || e.status === 'Pending') },
  );
  return (
    <PagedTable
      label="Webhook executions"
      columns={executionColumns}
      list={executions}
      empty="Nothing has been sent yet."
      rowKey={(e) => e.id}
    />
  );
}

interface WebhookFields {
  name: string;
  description: string;
  address: string;
  authHeader: string;
  skipVerify: boolean;
  format: string;
  types: string[];
}

export function endpointProblem(address: string): true | string {
  try {
    const url = new URL(address.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' || 'An http:// or https:// address';
  } catch {
    return 'An http:// or https:// address';
  }
}

function WebhookForm({
  base,
  eventsPath,
  policy,
  onDone,
}: {
  base: string;
  eventsPath: string;
  policy: WebhookPolicy | null;
  onDone: () => void;
}) {
  const events = useQuery({ queryKey: [eventsPath], queryFn: () => request<{ event_type: string[] }>(eventsPath) });
  const target = policy?.targets[0];
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<WebhookFields>({
    defaultValues: {
      name: policy?.name ?? '',
      description: policy?.description ?? '',
      address: target?.address ?? '',
      authHeader: target?.auth_header ?? '',
      skipVerify: target?.skip_cert_verify ?? false,
      format: target?.payload_format ?? 'Default',
      types: policy?.event_types ?? ['PUSH_ARTIFACT'],
    },
  });
  const save = useMutation({
    mutationFn: (f: WebhookFields) => {
      const body = {
        name: f.name.trim(),
        description: f.description,
        enabled: policy?.enabled ?? true,
        event_types: f.types,
        targets: [
          {
            type: 'http',
            address: f.address.trim(),
            auth_header: f.authHeader,
            skip_cert_verify: f.skipVerify,
            payload_format: f.format,
          },
        ],
      };
      return policy ? request(`${base}/${policy.id}`, { method: 'PUT', body }) : post(base, body);
    },
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => save.mutate(f))}>
      <Field label="Name" error={errors.name?.message}>
        <input autoFocus {...register('name', { required: 'Name the webhook' })} />
      </Field>
      <Field label="Description">
        <input {...register('description')} />
      </Field>
      <Field label="Endpoint URL" error={errors.address?.message}>
        <input
          type="url"
          placeholder="https://hooks.example.com/berth"
          {...register('address', { validate: endpointProblem })}
        />
      </Field>
      <Field label="Auth header">
        <input placeholder="Bearer ..." {...register('authHeader')} />
      </Field>
      <label className="check">
        <input type="checkbox" {...register('skipVerify')} /> Skip certificate verification
      </label>
      <Field label="Payload format">
        <select {...register('format')}>
          <option>Default</option>
          <option>CloudEvents</option>
        </select>
      </Field>
      <fieldset>
        <legend>Event types</legend>
        <ErrorNote error={events.error} />
        {events.data?.event_type.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              value={type}
              {...register('types', { validate: (v) => v.length > 0 || 'Choose at least one event type' })}
            />{' '}
            {eventLabel(type)}
          </label>
        ))}
        {errors.types && <span className="field-error">{errors.types.message}</span>}
      </fieldset>
      <ErrorNote error={save.error} />
      <FormActions onCancel={onDone} disabled={save.isPending} submit={policy ? 'Save' : 'Add'} />
    </form>
  );
}
