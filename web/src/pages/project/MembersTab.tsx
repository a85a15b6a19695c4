import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { create, projectPath, request } from '../../api/client';
import type { Member } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
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
      <DataTable
        label="Members"
        columns={columns}
        rows={list.data?.items}
        loading={list.isFetching}
        error={<ErrorNote error={list.error} />}
        paging={list.paging}
        rowKey={(m) => m.id}
      />
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
  const [username, setUsername] = useState('');
  const [role, setRole] = useState(2);
  const mutation = useMutation({
    mutationFn: () => create(base, { role_id: role, member_user: { username: username.trim() } }),
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
        Username
        <input value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(Number(e.target.value))}>
          {ROLES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending || !username.trim()} submit="OK" />
    </form>
  );
}
