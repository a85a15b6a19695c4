import { PageTitle } from '../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { create } from '../api/client';
import type { Project } from '../api/types';
import { DataTable } from '../components/DataTable';
import { Dialog } from '../components/Dialog';
import { ErrorNote } from '../components/Notice';
import { SizeInput } from '../components/SizeInput';
import { time, toBytes } from '../format';
import { fuzzy, usePagedList } from '../hooks';
import { roleName } from '../roles';

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
        <input
          type="search"
          aria-label="Search projects"
          placeholder="Search by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <DataTable
        label="Projects"
        columns={columns}
        rows={list.data?.items}
        loading={list.isFetching}
        error={<ErrorNote error={list.error} />}
        empty={search ? 'No project matches.' : 'No projects yet.'}
        paging={list.paging}
        rowKey={(p) => p.project_id}
      />
      <Dialog title="New Project" open={creating} onClose={() => setCreating(false)}>
        <NewProjectForm onDone={() => setCreating(false)} />
      </Dialog>
    </section>
  );
}

function NewProjectForm({ onDone }: { onDone: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [amount, setAmount] = useState('-1');
  const [unit, setUnit] = useState('GiB');
  const [problem, setProblem] = useState('');
  const mutation = useMutation({
    mutationFn: (limit: number) =>
      create('/projects', { project_name: name.trim(), metadata: { public: String(isPublic) }, storage_limit: limit }),
    onSuccess: () => {
      onDone();
      navigate(`/projects/${encodeURIComponent(name.trim())}/repositories`);
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const limit = toBytes(amount, unit);
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name.trim())) {
      setProblem('Use lower-case letters, digits and . _ - between them.');
    } else if (limit === null) {
      setProblem('The quota is a number of MiB, GiB or TiB, or -1.');
    } else {
      setProblem('');
      mutation.mutate(limit);
    }
  };
  return (
    <form onSubmit={submit} className="stack">
      <label>
        Project Name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      <label className="check">
        <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} /> Public: anyone may
        pull
      </label>
      <SizeInput label="Storage quota" amount={amount} unit={unit} onAmount={setAmount} onUnit={setUnit} />
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
