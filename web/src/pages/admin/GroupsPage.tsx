import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { create, request } from '../../api/client';
import type { UserGroup } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
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
      <DataTable
        label="Groups"
        columns={columns}
        rows={list.data?.items}
        loading={list.isFetching}
        error={<ErrorNote error={list.error} />}
        empty="No groups."
        paging={list.paging}
        rowKey={(g) => g.id}
      />
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
  const [name, setName] = useState('');
  const [type, setType] = useState(1);
  const [dn, setDn] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      create('/usergroups', {
        group_name: name.trim(),
        group_type: type,
        ...(type === 1 ? { ldap_group_dn: dn.trim() } : {}),
      }),
    onSuccess: onDone,
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <label>
        Type
        <select value={type} onChange={(e) => setType(Number(e.target.value))}>
          <option value={1}>LDAP</option>
          <option value={2}>HTTP</option>
        </select>
      </label>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      {type === 1 && (
        <label>
          LDAP Group DN
          <input value={dn} placeholder="cn=devs,ou=groups,dc=example,dc=com" onChange={(e) => setDn(e.target.value)} />
        </label>
      )}
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending || !name.trim()} submit="OK" />
    </form>
  );
}
