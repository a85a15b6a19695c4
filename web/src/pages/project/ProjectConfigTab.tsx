import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { projectPath, request } from '../../api/client';
import { Confirm } from '../../components/Confirm';
import { ErrorNote } from '../../components/Notice';
import { useCan, useProject } from './ProjectLayout';

// The project's metadata switches that berth keeps, as Harbor names them.
const SWITCHES: { key: string; label: string }[] = [
  { key: 'public', label: 'Public: anyone may pull, without logging in' },
  { key: 'auto_scan', label: 'Scan images automatically when they are pushed' },
  { key: 'prevent_vul', label: 'Prevent vulnerable images from running' },
  { key: 'enable_content_trust', label: 'Allow only signed images to be pulled' },
];

export function ProjectConfigTab() {
  const project = useProject();
  const can = useCan();
  const mayEdit = can('metadata', 'update');
  const navigate = useNavigate();
  const client = useQueryClient();
  const [values, setValues] = useState(() =>
    Object.fromEntries(SWITCHES.map((s) => [s.key, project.metadata?.[s.key] === 'true'])),
  );
  const [deleting, setDeleting] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      request(projectPath(project.name), {
        method: 'PUT',
        body: { metadata: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) },
      }),
  });
  return (
    <div>
      <form
        className="stack narrow"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {SWITCHES.map((s) => (
          <label key={s.key} className="check">
            <input
              type="checkbox"
              checked={values[s.key] ?? false}
              disabled={!mayEdit}
              onChange={(e) => setValues({ ...values, [s.key]: e.target.checked })}
            />{' '}
            {s.label}
          </label>
        ))}
        <ErrorNote error={save.error} />
        {save.isSuccess && <p role="status">Saved.</p>}
        {mayEdit && (
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              Save
            </button>
          </div>
        )}
      </form>
      {can('project', 'delete') && (
        <>
          <h2>Delete the project</h2>
          <p className="meta">A project can be deleted once it holds no repositories.</p>
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete Project{' '}
          </button>
        </>
      )}
      <Confirm
        title="Delete Project"
        message={`Delete ${project.name}? This cannot be undone.`}
        action="Delete"
        open={deleting}
        onClose={() => setDeleting(false)}
        run={async () => {
          await request(projectPath(project.name), { method: 'DELETE' });
          client.removeQueries({ queryKey: ['project', project.name] });
          navigate('/projects');
        }}
      />
    </div>
  );
}
