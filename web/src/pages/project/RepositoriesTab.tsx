import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link } from 'react-router';
import { projectPath, repoPath, request } from '../../api/client';
import type { Repository } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { PagedTable } from '../../components/DataTable';
import { time } from '../../format';
import { fuzzy, usePagedList } from '../../hooks';
import { useCan, useProject } from './ProjectLayout';
import { SearchBox } from '../../components/SearchBox';

// A repository's name without its project, as it appears in the portal's own paths.
function shortName(project: string, repository: string): string {
  return repository.startsWith(`${project}/`) ? repository.slice(project.length + 1) : repository;
}

export function RepositoriesTab() {
  const project = useProject();
  const can = useCan();
  const [search, setSearch] = useState('');
  const [removing, setRemoving] = useState<Repository | null>(null);
  const list = usePagedList<Repository>(`${projectPath(project.name)}/repositories`, { q: fuzzy('name', search) });
  const columns: ColumnDef<Repository>[] = [
    {
      header: 'Name',
      cell: ({ row }) => (
        <Link
          to={`/projects/${encodeURIComponent(project.name)}/repositories/${encodeURIComponent(shortName(project.name, row.original.name))}`}
        >
          {row.original.name}
        </Link>
      ),
    },
    { header: 'Artifacts', cell: ({ row }) => row.original.artifact_count ?? 0 },
    { header: 'Pulls', cell: ({ row }) => row.original.pull_count ?? 0 },
    { header: 'Last Modified Time', cell: ({ row }) => time(row.original.update_time) },
    {
      header: 'Actions',
      cell: ({ row }) =>
        can('repository', 'delete') && (
          <button type="button" onClick={() => setRemoving(row.original)} aria-label={`Delete ${row.original.name}`}>
            Delete
          </button>
        ),
    },
  ];
  return (
    <div>
      <div className="toolbar">
        <SearchBox label="Search repositories" placeholder="Search by name" value={search} onChange={setSearch} />
      </div>
      <PagedTable
        label="Repositories"
        columns={columns}
        list={list}
        empty={search ? 'No repository matches.' : 'No repositories yet: push an image to this project.'}
        rowKey={(r) => r.id}
      />
      <Confirm
        title="Delete Repository"
        message={`Delete ${removing?.name} and every artifact in it? Their blobs are freed by the next garbage collection.`}
        action="Delete"
        open={removing !== null}
        onClose={() => setRemoving(null)}
        run={() =>
          request(
            `${projectPath(project.name)}/repositories/${repoPath(shortName(project.name, removing?.name ?? ''))}`,
            {
              method: 'DELETE',
            },
          )
        }
      />
    </div>
  );
}
