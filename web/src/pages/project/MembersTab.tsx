import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, projectPath, request } from '../../api/client';
import type { Member } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { ErrorNote } from '../../components/Notice';
import { usePagedList } from '../../hooks';
import { ROLES } from '../../roles';
import { useCan, useProject } from './ProjectLayout';
import { FormActions } from '../../components/FormActions';
import { SearchBox } from '../../components/SearchBox';

export function MembersTab() {
  const project = useProject();
  const can = useCan();
  const base = `${projectPath(project.name)}/members`;
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const list = usePagedList<Member>(base, { entityname: search.trim() || undefined });
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: number }) =>
      request(`${base}/${member.id}`, { method: 'PUT', body: { role_id: role } }),
  });
  const columns: ColumnDef<Member>[] = [
    { header: 'Name', cell: ({ row }) => row.original.entity_name },
    { header: 'Member Type', cell: ({ row }) => (row.original.entity_type === 'g' ? 'Group' : 'User') },
    {
      header: 'Role',
      cell: ({ row }) => (
        <select
          aria-label={`Role of ${row.original.entity_name}`}
          value={row.original.role_id}
          disabled={!can('member', 'update')}
          onChange={(e) => changeRole.mutate({ member: row.original, role: Number(e.target.value) })}
        >
          {ROLES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      ),
    },
    {
      header: 'Actions',
      cell: ({ row }) =>
        can('member', 'delete') && (
          <button
            type="button"
            onClick={() => setRemoving(row.original)}
            aria-label={`Remove ${row.original.entity_name}`}
          >
            Remove
          </button>
        ),
    },
  ];
  return (
    <div>
      <div className="toolbar">
        {can('member', 'create') && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            + User
          </button>
        )}
        <SearchBox label="Search members" placeholder="Search by name" value={search} onChange={setSearch} />
      </div>
      <ErrorNote error={changeRole.error} />
      <PagedTable label="Members" columns={columns} list={list} rowKey={(m) => m.id} />
      <Dialog title="New Member" open={adding} onClose={() => setAdding(false)}>
        <AddMember base={base} onDone={() => setAdding(false)} />
      </Dialog>
      <Confirm
        title="Remove Member"
        message={`Remove ${removing?.entity_name} from ${project.name}?`}
        action="Remove"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`${base}/${removing?.id}`, { method: 'DELETE' })}
      />
    </div>
  );
}

function AddMember({ base, onDone }: { base: string; onDone: () => void }) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm({ defaultValues: { username: '', role: '2' } });
  const mutation = useMutation({
    mutationFn: (f: { username: string; role: string }) =>
      post(base, { role_id: Number(f.role), member_user: { username: f.username.trim() } }),
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => mutation.mutate(f))}>
      <Field label="Username" error={errors.username?.message}>
        <input autoFocus {...register('username', { required: 'Whom to add' })} />
      </Field>
      <Field label="Role">
        <select {...register('role')}>
          {ROLES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending} submit="OK" />
    </form>
  );
}
