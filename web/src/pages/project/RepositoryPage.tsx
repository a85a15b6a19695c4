import { PageTitle } from '../../components/PageTitle';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { projectPath, repoPath } from '../../api/client';
import type { Artifact } from '../../api/types';
import { CopyButton } from '../../components/CopyButton';
import { LabelChip } from '../../components/LabelChip';
import { PagedTable } from '../../components/DataTable';
import { bytes, platformText, shortDigest, time } from '../../format';
import { fuzzy, usePagedList } from '../../hooks';
import { SearchBox } from '../../components/SearchBox';

export function pullCommand(project: string, repository: string, reference: string): string {
  const separator = reference.includes(':') ? '@' : ':';
  return `docker pull ${window.location.host}/${project}/${repository}${separator}${reference}`;
}

// The platforms of an image, or of each image an index holds.
export function platforms(artifact: Artifact): string[] {
  if (artifact.references?.length) {
    return artifact.references.map((r) => platformText(r.platform)).filter(Boolean);
  }
  const own = platformText(artifact.extra_attrs);
  return own ? [own] : [];
}

export function kind(artifact: Artifact): string {
  if (artifact.references?.length) return 'Index';
  if (artifact.artifact_type && artifact.type !== 'IMAGE') return artifact.artifact_type;
  return artifact.type ? artifact.type[0] + artifact.type.slice(1).toLowerCase() : 'Artifact';
}

export function RepositoryPage() {
  const { project = '', repository = '' } = useParams();
  const [search, setSearch] = useState('');
  const list = usePagedList<Artifact>(`${projectPath(project)}/repositories/${repoPath(repository)}/artifacts`, {
    with_tag: true,
    with_label: true,
    with_accessory: true,
    q: fuzzy('tags', search),
  });
  const base = `/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(repository)}`;
  const columns: ColumnDef<Artifact>[] = [
    {
      header: 'Artifact',
      cell: ({ row }) => (
        <Link to={`${base}/artifacts/${row.original.digest}`} className="mono">
          {shortDigest(row.original.digest)}
        </Link>
      ),
    },
    { header: 'Type', cell: ({ row }) => kind(row.original) },
    {
      header: 'Tags',
      cell: ({ row }) => (
        <ul className="chips">
          {(row.original.tags ?? []).map((t) => (
            <li key={t.id}>
              {t.name}
              {t.immutable && <span className="flag"> immutable</span>}
            </li>
          ))}
        </ul>
      ),
    },
    {
      header: 'Platforms',
      cell: ({ row }) => (
        <ul className="plain">
          {platforms(row.original).map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ),
    },
    {
      header: 'Labels',
      cell: ({ row }) => (
        <ul className="chips">
          {(row.original.labels ?? []).map((l) => (
            <li key={l.id}>
              <LabelChip label={l} />
            </li>
          ))}
        </ul>
      ),
    },
    {
      header: 'Accessories',
      cell: ({ row }) => {
        const count = row.original.accessories?.length ?? 0;
        return count ? `${count} (${[...new Set(row.original.accessories?.map((a) => a.type))].join(', ')})` : '—';
      },
    },
    { header: 'Size', cell: ({ row }) => bytes(row.original.size) },
    { header: 'Push Time', cell: ({ row }) => time(row.original.push_time) },
    { header: 'Pull Time', cell: ({ row }) => time(row.original.pull_time) },
    {
      header: 'Pull Command',
      cell: ({ row }) => (
        <CopyButton
          label={`Copy the pull command of ${shortDigest(row.original.digest)}`}
          text={pullCommand(project, repository, row.original.tags?.[0]?.name ?? row.original.digest)}
        />
      ),
    },
  ];
  return (
    <section>
      <p className="crumbs">
        <Link to="/projects">Projects</Link> /{' '}
        <Link to={`/projects/${encodeURIComponent(project)}/repositories`}>{project}</Link> /
      </p>
      <PageTitle>{repository}</PageTitle>
      <div className="toolbar">
        <SearchBox label="Search artifacts by tag" placeholder="Search by tag" value={search} onChange={setSearch} />
      </div>
      <PagedTable
        label="Artifacts"
        columns={columns}
        list={list}
        empty={search ? 'No tag matches.' : 'No artifacts.'}
        rowKey={(a) => a.digest}
      />
    </section>
  );
}
