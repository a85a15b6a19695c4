import { PageTitle } from '../../components/PageTitle';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { request } from '../../api/client';
import { ErrorNote } from '../../components/Notice';

type Value = string | number | boolean;
type Configurations = Record<string, { value: Value; editable: boolean }>;

// What each setting is called on the page; a key berth adds later shows under its own name.
const LABELS: Record<string, string> = {
  auth_mode: 'Authentication mode',
  primary_auth_mode: 'Primary authentication mode',
  self_registration: 'Allow self-registration',
  project_creation_restriction: 'Who may create projects',
  read_only: 'Repository read only',
  token_expiration: 'Token expiration (minutes)',
  robot_token_duration: 'Robot token expiration (days)',
  robot_name_prefix: 'Robot name prefix',
  notification_enable: 'Webhooks enabled',
  quota_per_project_enable: 'Per-project quotas',
  storage_per_project: 'Default storage quota of a new project (bytes, -1 for none)',
};

const CHOICES: Record<string, { value: string; label: string }[]> = {
  project_creation_restriction: [
    { value: 'everyone', label: 'Everyone' },
    { value: 'adminonly', label: 'Administrators only' },
  ],
};

export function ConfigurationPage() {
  const config = useQuery({ queryKey: ['configurations'], queryFn: () => request<Configurations>('/configurations') });
  const [changes, setChanges] = useState<Record<string, Value>>({});
  const save = useMutation({
    mutationFn: () => request('/configurations', { method: 'PUT', body: changes }),
    onSuccess: () => setChanges({}),
  });
  const entries = Object.entries(config.data ?? {});
  return (
    <section>
      <PageTitle>Configuration</PageTitle>
      <ErrorNote error={config.error} />
      <form
        className="stack narrow"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {entries.map(([key, item]) => {
          const value = key in changes ? changes[key] : item.value;
          const label = LABELS[key] ?? key;
          const set = (v: Value) => setChanges({ ...changes, [key]: v });
          if (typeof item.value === 'boolean') {
            return (
              <label key={key} className="check">
                <input
                  type="checkbox"
                  checked={Boolean(value)}
                  disabled={!item.editable}
                  onChange={(e) => set(e.target.checked)}
                />{' '}
                {label}
              </label>
            );
          }
          const choices = CHOICES[key];
          if (choices) {
            return (
              <label key={key}>
                {label}
                <select value={String(value)} disabled={!item.editable} onChange={(e) => set(e.target.value)}>
                  {choices.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
            );
          }
          return (
            <label key={key}>
              {label}
              <input
                value={String(value)}
                disabled={!item.editable}
                inputMode={typeof item.value === 'number' ? 'numeric' : undefined}
                onChange={(e) =>
                  set(
                    typeof item.value === 'number' && /^-?\d+$/.test(e.target.value)
                      ? Number(e.target.value)
                      : e.target.value,
                  )
                }
              />
            </label>
          );
        })}
        <ErrorNote error={save.error} />
        {save.isSuccess && <p role="status">Saved.</p>}
        <div className="actions">
          <button type="button" onClick={() => setChanges({})} disabled={Object.keys(changes).length === 0}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending || Object.keys(changes).length === 0}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}
