import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { create, request } from '../../api/client';
import type { Label } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';

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
  const labels = useQuery({
    queryKey: ['labels', 'g'],
    queryFn: () => request<Label[]>('/labels', { query: { scope: 'g', page_size: 100 } }),
  });
  return (
    <section>
      <PageTitle>Labels</PageTitle>
      <p className="meta">Global labels can be put on artifacts of any project.</p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New Label
        </button>
      </div>
      <ErrorNote error={labels.error} />
      <table aria-label="Labels">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Description</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {labels.data?.map((l) => (
            <tr key={l.id}>
              <td data-label="Label">
                <LabelChip label={l} />
              </td>
              <td data-label="Description">{l.description}</td>
              <td data-label="Actions">
                <span className="row-actions">
                  <button type="button" onClick={() => setEditing(l)} aria-label={`Edit ${l.name}`}>
                    Edit
                  </button>
                  <button type="button" onClick={() => setRemoving(l)} aria-label={`Delete ${l.name}`}>
                    Delete
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {labels.data?.length === 0 && <p className="empty">No labels.</p>}
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

// A label in its colour: the colour is an SVG fill, which the Content Security Policy allows
// where an inline style would not be.
export function LabelChip({ label }: { label: Label }) {
  return (
    <span className="label-chip">
      <svg width="12" height="12" aria-hidden="true">
        <circle cx="6" cy="6" r="6" fill={label.color || '#0065AB'} />
      </svg>
      {label.name}
    </span>
  );
}

function LabelForm({ label, onDone }: { label: Label | null; onDone: () => void }) {
  const [name, setName] = useState(label?.name ?? '');
  const [description, setDescription] = useState(label?.description ?? '');
  const [color, setColor] = useState(label?.color || COLORS[0] || '#0065AB');
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description, color, scope: 'g' };
      return label ? request(`/labels/${label.id}`, { method: 'PUT', body }) : create('/labels', body);
    },
    onSuccess: onDone,
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset className="inline">
        <legend>Colour</legend>
        {COLORS.map((c) => (
          <label key={c} className="check">
            <input type="radio" name="color" value={c} checked={color === c} onChange={() => setColor(c)} />
            <LabelChip label={{ id: 0, name: c, color: c }} />
          </label>
        ))}
      </fieldset>
      <ErrorNote error={save.error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={save.isPending || !name.trim()}>
          {label ? 'Save' : 'Add'}
        </button>
      </div>
    </form>
  );
}
