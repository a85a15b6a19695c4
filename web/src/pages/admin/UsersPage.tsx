import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, request } from '../../api/client';
import type { User } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { Field } from '../../components/Field';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { fuzzy, usePagedList } from '../../hooks';
import { useSession } from '../../session';
import { FormActions } from '../../components/FormActions';
import { SearchBox } from '../../components/SearchBox';

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
        <SearchBox label="Search users" placeholder="Search by username" value={search} onChange={setSearch} />
      </div>
      <ErrorNote error={admin.error} />
      <PagedTable label="Users" columns={columns} list={list} rowKey={(u) => u.user_id} />
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

interface NewUserFields {
  username: string;
  email: string;
  realname: string;
  password: string;
  confirm: string;
}

// Harbor's password rule, which berth enforces too.
export function passwordProblem(password: string): true | string {
  if (password.length < 8 || password.length > 128) return '8 to 128 characters';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password))
    return 'A lower-case letter, an upper-case letter and a digit';
  return true;
}

function NewUser({ onDone }: { onDone: () => void }) {
  const {
    register,
    handleSubmit,
    getValues,
    formState: { errors },
  } = useForm<NewUserFields>();
  const mutation = useMutation({
    mutationFn: (f: NewUserFields) =>
      post('/users', {
        username: f.username.trim(),
        email: f.email.trim(),
        realname: f.realname.trim(),
        password: f.password,
      }),
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => mutation.mutate(f))}>
      <Field label="Username" error={errors.username?.message}>
        <input
          autoFocus
          {...register('username', {
            required: 'Choose a username',
            maxLength: { value: 255, message: 'At most 255 characters' },
          })}
        />
      </Field>
      <Field label="Email" error={errors.email?.message}>
        <input
          type="email"
          {...register('email', {
            required: 'An email address',
            pattern: { value: /^[^@\s]+@[^@\s]+$/, message: 'An email address' },
          })}
        />
      </Field>
      <Field label="First and last name" error={errors.realname?.message}>
        <input {...register('realname', { required: 'A name' })} />
      </Field>
      <Field
        label="Password"
        hint="8 to 128 characters with a lower-case letter, an upper-case letter and a digit."
        error={errors.password?.message}
      >
        <input type="password" autoComplete="new-password" {...register('password', { validate: passwordProblem })} />
      </Field>
      <Field label="Confirm password" error={errors.confirm?.message}>
        <input
          type="password"
          autoComplete="new-password"
          {...register('confirm', { validate: (v) => v === getValues('password') || 'The passwords differ' })}
        />
      </Field>
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending} submit="OK" />
    </form>
  );
}
