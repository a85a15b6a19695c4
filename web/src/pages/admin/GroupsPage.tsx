import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, request } from '../../api/client';
import type { UserGroup } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { ErrorNote } from '../../components/Notice';
import { usePagedList } from '../../hooks';
import { FormActions } from '../../components/FormActions';
import { SearchBox } from '../../components/SearchBox';

const TYPES: Record<number, string> = { 1: 'LDAP', 2: 'HTTP', 3: 'OIDC' };

export function GroupsPage() {
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<UserGroup | null>(null);
  const list = usePagedList<UserGroup>('/usergroups', { group_name: search.trim() || undefined });
  const columns: ColumnDef<UserGroup>[] = [
    { header: 'Name', cell: ({ row }) => row.original.group_name },
    { header: 'Type', cell: ({ row }) => TYPES[row.original.group_type] ?? row.original.group_type },
    { header: 'LDAP Group DN', cell: ({ row }) => <span className="mono">{row.original.ldap_group_dn ?? ''}</span> },
    {
      header: 'Actions',
      cell: ({ row }) => (
        <button
          type="button"
          onClick={() => setRemoving(row.original)}
          aria-label={`Delete ${row.original.group_name}`}
        >
          Delete
        </button>
      ),
    },
  ];
  return (
    <section>
      <PageTitle>Groups</PageTitle>
      <p className="meta">
        Groups are made members of projects like users; their users are those of the directory group.
      </p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          New Group
        </button>
        <SearchBox label="Search groups" placeholder="Search by name" value={search} onChange={setSearch} />
      </div>
      <PagedTable label="Groups" columns={columns} list={list} empty="No groups." rowKey={(g) => g.id} />
      <Dialog title="New Group" open={adding} onClose={() => setAdding(false)}>
        <NewGroup onDone={() => setAdding(false)} />
      </Dialog>
      <Confirm
        title="Delete Group"
        message={`Delete the group ${removing?.group_name}? Its project memberships go with it.`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`/usergroups/${removing?.id}`, { method: 'DELETE' })}
      />
    </section>
  );
}

function NewGroup({ onDone }: { onDone: () => void }) {
  const {
    register,
    handleSubmit,
    watch,
    formState: { errors },
  } = useForm({ defaultValues: { type: '1', name: '', dn: '' } });
  const ldap = watch('type') === '1';
  const mutation = useMutation({
    mutationFn: (f: { type: string; name: string; dn: string }) =>
      post('/usergroups', {
        group_name: f.name.trim(),
        group_type: Number(f.type),
        ...(f.type === '1' ? { ldap_group_dn: f.dn.trim() } : {}),
      }),
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => mutation.mutate(f))}>
      <Field label="Type">
        <select {...register('type')}>
          <option value="1">LDAP</option>
          <option value="2">HTTP</option>
        </select>
      </Field>
      <Field label="Name" error={errors.name?.message}>
        <input autoFocus {...register('name', { required: 'Name the group' })} />
      </Field>
      {ldap && (
        <Field label="LDAP Group DN" error={errors.dn?.message}>
          <input
            placeholder="cn=devs,ou=groups,dc=example,dc=com"
            {...register('dn', { required: 'The group in the directory' })}
          />
        </Field>
      )}
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending} submit="OK" />
    </form>
  );
}
