import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, request } from '../../api/client';
import type { Label } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { usePagedList } from '../../hooks';
import { ErrorNote } from '../../components/Notice';
import { FormActions } from '../../components/FormActions';
import { LabelChip } from '../../components/LabelChip';

// Harbor's palette of label colours.
const COLORS = [
  '#0065AB',
  '#343DAC',
  '#781DA0',
  '#9B0D54',
  '#C92100',
  '#CD3517',
  '#C25400',
  '#D28F00',
  '#006668',
  '#318700',
];

export function LabelsPage() {
  const [editing, setEditing] = useState<Label | 'new' | null>(null);
  const [removing, setRemoving] = useState<Label | null>(null);
  const labels = usePagedList<Label>('/labels', { scope: 'g' });
  const columns: ColumnDef<Label>[] = [
    { header: 'Label', cell: ({ row }) => <LabelChip label={row.original} /> },
    { header: 'Description', cell: ({ row }) => row.original.description ?? '' },
    {
      header: 'Actions',
      cell: ({ row }) => (
        <span className="row-actions">
          <button type="button" onClick={() => setEditing(row.original)} aria-label={`Edit ${row.original.name}`}>
            Edit
          </button>
          <button type="button" onClick={() => setRemoving(row.original)} aria-label={`Delete ${row.original.name}`}>
            Delete
          </button>
        </span>
      ),
    },
  ];
  return (
    <section>
      <PageTitle>Labels</PageTitle>
      <p className="meta">Global labels can be put on artifacts of any project.</p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New Label
        </button>
      </div>
      <PagedTable label="Labels" columns={columns} list={labels} empty="No labels." rowKey={(l) => l.id} />
      <Dialog
        title={editing === 'new' ? 'New Label' : 'Edit Label'}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && <LabelForm label={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Dialog>
      <Confirm
        title="Delete Label"
        message={`Delete the label ${removing?.name}? It comes off every artifact that has it.`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`/labels/${removing?.id}`, { method: 'DELETE' })}
      />
    </section>
  );
}

function LabelForm({ label, onDone }: { label: Label | null; onDone: () => void }) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm({
    defaultValues: { name: label?.name ?? '', description: label?.description ?? '', color: label?.color || COLORS[0] },
  });
  const save = useMutation({
    mutationFn: (f: { name: string; description: string; color?: string }) => {
      const body = { name: f.name.trim(), description: f.description, color: f.color, scope: 'g' };
      return label ? request(`/labels/${label.id}`, { method: 'PUT', body }) : post('/labels', body);
    },
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => save.mutate(f))}>
      <Field label="Name" error={errors.name?.message}>
        <input autoFocus {...register('name', { required: 'Name the label' })} />
      </Field>
      <Field label="Description">
        <input {...register('description')} />
      </Field>
      <fieldset className="inline">
        <legend>Colour</legend>
        {COLORS.map((c) => (
          <label key={c} className="check">
            <input type="radio" value={c} {...register('color')} />
            <LabelChip label={{ id: 0, name: c, color: c }} />
          </label>
        ))}
      </fieldset>
      <ErrorNote error={save.error} />
      <FormActions onCancel={onDone} disabled={save.isPending} submit={label ? 'Save' : 'Add'} />
    </form>
  );
}
