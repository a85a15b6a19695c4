import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { create, request } from '../../api/client';
import type { User } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { fuzzy, usePagedList } from '../../hooks';
import { useSession } from '../../session';

export function UsersPage() {
  const { user: me } = useSession();
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<User | null>(null);
  const list = usePagedList<User>('/users', { q: fuzzy('username', search) });
  const admin = useMutation({
    mutationFn: (u: User) =>
      request(`/users/${u.user_id}/sysadmin`, { method: 'PUT', body: { sysadmin_flag: !u.sysadmin_flag } }),
  });
  const columns: ColumnDef<User>[] = [
    { header: 'Name', cell: ({ row }) => row.original.username },
    { header: 'Administrator', cell: ({ row }) => (row.original.sysadmin_flag ? 'Yes' : 'No') },
    { header: 'Email', cell: ({ row }) => row.original.email ?? '' },
    { header: 'Registration Time', cell: ({ row }) => time(row.original.creation_time) },
    {
      header: 'Actions',
      cell: ({ row }) =>
        row.original.user_id === me?.user_id ? null : (
          <span className="row-actions">
            <button type="button" onClick={() => admin.mutate(row.original)}>
              {row.original.sysadmin_flag ? 'Revoke admin' : 'Set as admin'}
            </button>
            <button
              type="button"
              onClick={() => setRemoving(row.original)}
              aria-label={`Delete ${row.original.username}`}
            >
              Delete
            </button>
          </span>
        ),
    },
  ];
  return (
    <section>
      <PageTitle>Users</PageTitle>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          New User
        </button>
        <input
          type="search"
          aria-label="Search users"
          placeholder="Search by username"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <ErrorNote error={admin.error} />
      <DataTable
        label="Users"
        columns={columns}
        rows={list.data?.items}
        loading={list.isFetching}
        error={<ErrorNote error={list.error} />}
        paging={list.paging}
        rowKey={(u) => u.user_id}
      />
      <Dialog title="New User" open={adding} onClose={() => setAdding(false)}>
        <NewUser onDone={() => setAdding(false)} />
      </Dialog>
      <Confirm
        title="Delete User"
        message={`Delete ${removing?.username}? Their memberships go with them.`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() => request(`/users/${removing?.user_id}`, { method: 'DELETE' })}
      />
    </section>
  );
}

function NewUser({ onDone }: { onDone: () => void }) {
  const [fields, setFields] = useState({ username: '', email: '', realname: '', password: '', confirm: '' });
  const [problem, setProblem] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      create('/users', {
        username: fields.username.trim(),
        email: fields.email.trim(),
        realname: fields.realname.trim(),
        password: fields.password,
      }),
    onSuccess: onDone,
  });
  const set = (key: keyof typeof fields) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setFields({ ...fields, [key]: e.target.value });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (fields.password !== fields.confirm) setProblem('The passwords differ.');
        else {
          setProblem('');
          mutation.mutate();
        }
      }}
    >
      <label>
        Username
        <input value={fields.username} onChange={set('username')} required autoFocus />
      </label>
      <label>
        Email
        <input type="email" value={fields.email} onChange={set('email')} required />
      </label>
      <label>
        First and last name
        <input value={fields.realname} onChange={set('realname')} required />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="new-password"
          value={fields.password}
          onChange={set('password')}
          required
        />
      </label>
      <small>8 to 128 characters with a lower-case letter, an upper-case letter and a digit.</small>
      <label>
        Confirm password
        <input type="password" autoComplete="new-password" value={fields.confirm} onChange={set('confirm')} required />
      </label>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={mutation.error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={mutation.isPending}>
          OK
        </button>
      </div>
    </form>
  );
}
