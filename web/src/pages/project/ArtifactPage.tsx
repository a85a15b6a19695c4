import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { create, projectPath, repoPath, request } from '../../api/client';
import type { Artifact } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { bytes, platformText, shortDigest, time } from '../../format';
import { useProjectPermissions } from '../../permissions';
import { useProjectQuery } from './ProjectLayout';
import { kind, platforms, pullCommand } from './RepositoryPage';

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
          {a.tags?.length ? (
            <table aria-label="Tags">
              <thead>
                <tr>
                  <th scope="col">Tag</th>
                  <th scope="col">Pushed</th>
                  <th scope="col">Last pulled</th>
                  <th scope="col">Immutable</th>
                  <th scope="col">Pull command</th>
                </tr>
              </thead>
              <tbody>
                {a.tags.map((t) => (
                  <tr key={t.id}>
                    <td data-label="Tag">{t.name}</td>
                    <td data-label="Pushed">{time(t.push_time)}</td>
                    <td data-label="Last pulled">{time(t.pull_time)}</td>
                    <td data-label="Immutable">{t.immutable ? 'Yes' : 'No'}</td>
                    <td data-label="Pull command">
                      <CopyButton
                        label={`Copy the pull command of ${t.name}`}
                        text={pullCommand(project, repository, t.name)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="empty">No tags: this artifact is pulled by its digest.</p>
          )}

          {a.references && a.references.length > 0 && (
            <>
              <h2>References</h2>
              <table aria-label="References">
                <thead>
                  <tr>
                    <th scope="col">Artifact</th>
                    <th scope="col">Platform</th>
                  </tr>
                </thead>
                <tbody>
                  {a.references.map((r) => (
                    <tr key={r.child_digest}>
                      <td data-label="Artifact">
                        <Link className="mono" to={`${repoLink}/artifacts/${r.child_digest}`}>
                          {shortDigest(r.child_digest)}
                        </Link>
                      </td>
                      <td data-label="Platform">{platformText(r.platform) || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}

          <h2>Accessories</h2>
          {a.accessories?.length ? (
            <table aria-label="Accessories">
              <thead>
                <tr>
                  <th scope="col">Artifact</th>
                  <th scope="col">Type</th>
                  <th scope="col">Size</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {a.accessories.map((x) => (
                  <tr key={x.digest}>
                    <td data-label="Artifact">
                      <Link className="mono" to={`${repoLink}/artifacts/${x.digest}`}>
                        {shortDigest(x.digest)}
                      </Link>
                    </td>
                    <td data-label="Type">{x.artifact_type ?? x.type}</td>
                    <td data-label="Size">{bytes(x.size)}</td>
                    <td data-label="Created">{time(x.creation_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="empty">No signatures or SBOMs refer to this artifact.</p>
          )}

          <h2>Labels</h2>
          {a.labels?.length ? (
            <ul className="chips">
              {a.labels.map((l) => (
                <li key={l.id}>{l.name}</li>
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
  const [name, setName] = useState('');
  const add = useMutation({ mutationFn: () => create(path, { name: name.trim() }), onSuccess: onDone });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <label>
        Tag
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      </label>
      <ErrorNote error={add.error} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={add.isPending || !name.trim()}>
          Add
        </button>
      </div>
    </form>
  );
}
