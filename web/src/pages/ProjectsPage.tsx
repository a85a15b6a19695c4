import { PageTitle } from '../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { post } from '../api/client';
import type { Project } from '../api/types';
import { PagedTable } from '../components/DataTable';
import { Dialog } from '../components/Dialog';
import { ErrorNote } from '../components/Notice';
import { Field } from '../components/Field';
import { SizeInput, validSize } from '../components/SizeInput';
import { time, toBytes } from '../format';
import { fuzzy, usePagedList } from '../hooks';
import { roleName } from '../roles';
import { FormActions } from '../components/FormActions';
import { SearchBox } from '../components/SearchBox';

const columns: ColumnDef<Project>[] = [
  {
    header: 'Project Name',
    cell: ({ row }) => (
      <Link to={`/projects/${encodeURIComponent(row.original.name)}/repositories`}>{row.original.name}</Link>
    ),
  },
  { header: 'Access Level', cell: ({ row }) => (row.original.metadata?.public === 'true' ? 'Public' : 'Private') },
  { header: 'Role', cell: ({ row }) => roleName(row.original.current_user_role_id) },
  { header: 'Repositories', cell: ({ row }) => row.original.repo_count ?? 0 },
  { header: 'Creation Time', cell: ({ row }) => time(row.original.creation_time) },
];

export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const list = usePagedList<Project>('/projects', { q: fuzzy('name', search), with_detail: true });
  return (
    <section>
      <PageTitle>Projects</PageTitle>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New Project
        </button>
        <SearchBox label="Search projects" placeholder="Search by name" value={search} onChange={setSearch} />
      </div>
      <PagedTable
        label="Projects"
        columns={columns}
        list={list}
        empty={search ? 'No project matches.' : 'No projects yet.'}
        rowKey={(p) => p.project_id}
      />
      <Dialog title="New Project" open={creating} onClose={() => setCreating(false)}>
        <NewProjectForm onDone={() => setCreating(false)} />
      </Dialog>
    </section>
  );
}

interface NewProject {
  name: string;
  isPublic: boolean;
  amount: string;
  unit: string;
}

// Harbor's rule for project names.
const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function NewProjectForm({ onDone }: { onDone: () => void }) {
  const navigate = useNavigate();
  const {
    register,
    handleSubmit,
    getValues,
    formState: { errors },
  } = useForm<NewProject>({ defaultValues: { name: '', isPublic: false, amount: '-1', unit: 'GiB' } });
  const mutation = useMutation({
    mutationFn: (p: NewProject) =>
      post('/projects', {
        project_name: p.name.trim(),
        metadata: { public: String(p.isPublic) },
        storage_limit: toBytes(p.amount, p.unit),
      }),
    onSuccess: (_, p) => {
      onDone();
      navigate(`/projects/${encodeURIComponent(p.name.trim())}/repositories`);
    },
  });
  return (
    <form onSubmit={handleSubmit((p) => mutation.mutate(p))} className="stack" noValidate>
      <Field label="Project Name" error={errors.name?.message}>
        <input
          autoFocus
          {...register('name', {
            required: 'Name the project',
            maxLength: { value: 255, message: 'At most 255 characters' },
            validate: (v) => PROJECT_NAME.test(v.trim()) || 'Lower-case letters and digits, with . _ - between them',
          })}
        />
      </Field>
      <label className="check">
        <input type="checkbox" {...register('isPublic')} /> Public: anyone may pull
      </label>
      <SizeInput
        label="Storage quota"
        amount={register('amount', { validate: (v) => validSize(v, getValues('unit')) })}
        unit={register('unit')}
        error={errors.amount?.message}
      />
      <ErrorNote error={mutation.error} />
      <FormActions onCancel={onDone} disabled={mutation.isPending} submit="OK" />
    </form>
  );
}
