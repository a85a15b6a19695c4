import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { post, projectPath, repoPath, request } from '../../api/client';
import type { ColumnDef } from '@tanstack/react-table';
import type { Accessory, Artifact, Reference, Tag } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { CopyButton } from '../../components/CopyButton';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { LabelChip } from '../../components/LabelChip';
import { ErrorNote } from '../../components/Notice';
import { bytes, platformText, shortDigest, time } from '../../format';
import { useProjectPermissions } from '../../permissions';
import { useProjectQuery } from './ProjectLayout';
import { kind, platforms, pullCommand } from './RepositoryPage';
import { FormActions } from '../../components/FormActions';

function tagColumns(project: string, repository: string): ColumnDef<Tag>[] {
  return [
    { header: 'Tag', cell: ({ row }) => row.original.name },
    { header: 'Pushed', cell: ({ row }) => time(row.original.push_time) },
    { header: 'Last pulled', cell: ({ row }) => time(row.original.pull_time) },
    { header: 'Immutable', cell: ({ row }) => (row.original.immutable ? 'Yes' : 'No') },
    {
      header: 'Pull command',
      cell: ({ row }) => (
        <CopyButton
          label={`Copy the pull command of ${row.original.name}`}
          text={pullCommand(project, repository, row.original.name)}
        />
      ),
    },
  ];
}

function digestLink(repoLink: string, digest: string) {
  return (
    <Link className="mono" to={`${repoLink}/artifacts/${digest}`}>
      {shortDigest(digest)}
    </Link>
  );
}

function referenceColumns(repoLink: string): ColumnDef<Reference>[] {
  return [
    { header: 'Artifact', cell: ({ row }) => digestLink(repoLink, row.original.child_digest) },
    { header: 'Platform', cell: ({ row }) => platformText(row.original.platform) || '—' },
  ];
}

function accessoryColumns(repoLink: string): ColumnDef<Accessory>[] {
  return [
    { header: 'Artifact', cell: ({ row }) => digestLink(repoLink, row.original.digest) },
    { header: 'Type', cell: ({ row }) => row.original.artifact_type ?? row.original.type },
    { header: 'Size', cell: ({ row }) => bytes(row.original.size) },
    { header: 'Created', cell: ({ row }) => time(row.original.creation_time) },
  ];
}

export function ArtifactPage() {
  const { project = '', repository = '', digest = '' } = useParams();
  const path = `${projectPath(project)}/repositories/${repoPath(repository)}/artifacts/${digest}`;
  const artifact = useQuery({
    queryKey: [path],
    queryFn: () => request<Artifact>(path, { query: { with_tag: true, with_label: true, with_accessory: true } }),
  });
  const a = artifact.data;
  const navigate = useNavigate();
  const [tagging, setTagging] = useState(false);
  const can = useProjectPermissions(useProjectQuery(project).data?.project_id);
  const [deleting, setDeleting] = useState(false);
  const repoLink = `/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(repository)}`;
  return (
    <section>
      <p className="crumbs">
        <Link to="/projects">Projects</Link> /{' '}
        <Link to={`/projects/${encodeURIComponent(project)}/repositories`}>{project}</Link> /{' '}
        <Link to={repoLink}>{repository}</Link> /
      </p>
      <PageTitle className="mono">{shortDigest(digest)}</PageTitle>
      <ErrorNote error={artifact.error} />
      {a && (
        <>
          <dl className="facts">
            <dt>Digest</dt>
            <dd className="mono">{a.digest}</dd>
            <dt>Type</dt>
            <dd>{kind(a)}</dd>
            <dt>Media type</dt>
            <dd className="mono">{a.manifest_media_type ?? a.media_type}</dd>
            <dt>Size</dt>
            <dd>{bytes(a.size)}</dd>
            <dt>Platforms</dt>
            <dd>{platforms(a).join(', ') || '—'}</dd>
            <dt>Pushed</dt>
            <dd>{time(a.push_time)}</dd>
            <dt>Last pulled</dt>
            <dd>{time(a.pull_time)}</dd>
            <dt>Pull by digest</dt>
            <dd>
              <code>{pullCommand(project, repository, a.digest)}</code>{' '}
              <CopyButton label="Copy the pull command by digest" text={pullCommand(project, repository, a.digest)} />
            </dd>
          </dl>

          <div className="toolbar">
            {can('tag', 'create') && (
              <button type="button" onClick={() => setTagging(true)}>
                Add Tag
              </button>
            )}
            {can('artifact', 'delete') && (
              <button type="button" className="danger" onClick={() => setDeleting(true)}>
                Delete Artifact
              </button>
            )}
          </div>
          <Dialog title="Add Tag" open={tagging} onClose={() => setTagging(false)}>
            <AddTag path={`${path}/tags`} onDone={() => setTagging(false)} />
          </Dialog>
          <Confirm
            title="Delete Artifact"
            message={`Delete ${shortDigest(digest)} and its tags${a.references?.length ? ' (the images it refers to stay)' : ''}?`}
            action="Delete"
            open={deleting}
            onClose={() => setDeleting(false)}
            run={async () => {
              await request(path, { method: 'DELETE' });
              navigate(repoLink);
            }}
          />

          <h2>Tags</h2>
          <DataTable
            label="Tags"
            columns={tagColumns(project, repository)}
            rows={a.tags ?? []}
            empty="No tags: this artifact is pulled by its digest."
            rowKey={(t) => t.id}
          />

          {a.references && a.references.length > 0 && (
            <>
              <h2>References</h2>
              <DataTable
                label="References"
                columns={referenceColumns(repoLink)}
                rows={a.references}
                rowKey={(r) => r.child_digest}
              />
            </>
          )}

          <h2>Accessories</h2>
          <DataTable
            label="Accessories"
            columns={accessoryColumns(repoLink)}
            rows={a.accessories ?? []}
            empty="No signatures or SBOMs refer to this artifact."
            rowKey={(x) => x.digest}
          />

          <h2>Labels</h2>
          {a.labels?.length ? (
            <ul className="chips">
              {a.labels.map((l) => (
                <li key={l.id}>
                  <LabelChip label={l} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No labels.</p>
          )}
        </>
      )}
    </section>
  );
}

function AddTag({ path, onDone }: { path: string; onDone: () => void }) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm({ defaultValues: { name: '' } });
  const add = useMutation({ mutationFn: (name: string) => post(path, { name }), onSuccess: onDone });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => add.mutate(f.name.trim()))}>
      <Field label="Tag" error={errors.name?.message}>
        <input
          autoFocus
          {...register('name', {
            required: 'Name the tag',
            // The OCI distribution spec's rule for a tag.
            pattern: { value: /^[\w][\w.-]{0,127}$/, message: 'Letters, digits, _ . and -, at most 128' },
          })}
        />
      </Field>
      <ErrorNote error={add.error} />
      <FormActions onCancel={onDone} disabled={add.isPending} submit="Add" />
    </form>
  );
}
