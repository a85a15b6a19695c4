import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { post, projectPath, request } from '../../api/client';
import type { RetentionPolicy, RetentionTemplate, Selector, TagRule } from '../../api/types';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { Status } from '../../components/Status';
import { usePagedList } from '../../hooks';
import { ErrorNote } from '../../components/Notice';
import { time } from '../../format';
import { useCan, useProject } from './ProjectLayout';
import { FormActions } from '../../components/FormActions';

function selectors(repository: string, tag: string) {
  return {
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: tag }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repository }] },
  };
}

function patternText(selector: Selector | undefined): string {
  if (!selector) return '**';
  const negated = selector.decoration.toLowerCase().includes('exclude');
  return `${negated ? 'excluding ' : ''}${selector.pattern}`;
}

// "retain the most recently pushed 5 artifacts": the template's text with its number.
function ruleText(rule: TagRule, templates: RetentionTemplate[]): string {
  const template = templates.find((t) => t.rule_template === rule.template);
  const param = rule.template ? rule.params?.[rule.template] : undefined;
  const what = template ? `retain ${template.display_text.replace('#', String(param))}` : rule.template;
  return `In repositories matching ${patternText(rule.scope_selectors.repository[0])}, ${what} with tags matching ${patternText(rule.tag_selectors[0])}`;
}

export function PolicyTab() {
  return (
    <div>
      <Retention />
      <Immutability />
    </div>
  );
}

interface RuleFields {
  repository: string;
  tag: string;
  template: string;
  count: string;
}

// The patterns of a rule and, for a retention rule (given `templates`), what it retains.
function RuleForm({
  templates,
  onSubmit,
  onCancel,
  error,
  pending,
}: {
  templates?: RetentionTemplate[];
  onSubmit: (f: RuleFields) => void;
  onCancel: () => void;
  error: unknown;
  pending: boolean;
}) {
  const {
    register,
    handleSubmit,
    watch,
    formState: { errors },
  } = useForm<RuleFields>({
    defaultValues: { repository: '**', tag: '**', template: templates?.[0]?.rule_template ?? '', count: '10' },
  });
  const unit = templates?.find((t) => t.rule_template === watch('template'))?.params?.[0]?.unit;
  return (
    <form
      className="stack"
      noValidate
      onSubmit={handleSubmit((f) => onSubmit({ ...f, repository: f.repository.trim(), tag: f.tag.trim() }))}
    >
      <Field
        label="Repositories matching"
        hint="Patterns: ** for any, *, ?, and {a,b}; repositories are named without the project."
        error={errors.repository?.message}
      >
        <input {...register('repository', { required: 'A pattern; ** for every repository' })} />
      </Field>
      {templates && (
        <div className="inline">
          <Field label="Rule">
            <select {...register('template')}>
              {templates.map((t) => (
                <option key={t.rule_template} value={t.rule_template}>
                  retain {t.display_text}
                </option>
              ))}
            </select>
          </Field>
          {unit && (
            <Field label={unit.charAt(0).toUpperCase() + unit.slice(1)} error={errors.count?.message}>
              <input
                inputMode="numeric"
                {...register('count', {
                  validate: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1) || 'A whole number, 1 or more',
                })}
              />
            </Field>
          )}
        </div>
      )}
      <Field label="Tags matching" error={errors.tag?.message}>
        <input {...register('tag', { required: 'A pattern; ** for every tag' })} />
      </Field>
      <ErrorNote error={error} />
      <FormActions onCancel={onCancel} disabled={pending} submit="Add" />
    </form>
  );
}

function Retention() {
  const project = useProject();
  const can = useCan();
  const id = project.metadata?.retention_id;
  const mayEdit = can('tag-retention', id ? 'update' : 'create');
  const [adding, setAdding] = useState(false);
  const metadata = useQuery({
    queryKey: ['/retentions/metadatas'],
    queryFn: () => request<{ templates: RetentionTemplate[] }>('/retentions/metadatas'),
    staleTime: Infinity,
  });
  const templates = metadata.data?.templates ?? [];
  const policy = useQuery({
    queryKey: ['retention', id],
    queryFn: () => request<RetentionPolicy>(`/retentions/${id}`),
    enabled: !!id,
  });
  const save = useMutation({
    mutationFn: async (rules: TagRule[]) => {
      const body: RetentionPolicy = {
        algorithm: 'or',
        rules,
        trigger: policy.data?.trigger ?? { kind: 'Schedule', settings: { cron: '' } },
        scope: { level: 'project', ref: project.project_id },
      };
      if (id) await request(`/retentions/${id}`, { method: 'PUT', body: { ...body, id: Number(id) } });
      else await post('/retentions', body);
    },
    onSuccess: () => setAdding(false),
  });
  const run = useMutation({
    mutationFn: (dryRun: boolean) => post(`/retentions/${id}/executions`, { dry_run: dryRun }),
  });
  const rules = policy.data?.rules ?? [];
  return (
    <section aria-labelledby="retention-title">
      <h2 id="retention-title">Tag Retention</h2>
      <p className="meta">An artifact is kept when any rule retains it; the rest are removed when retention runs.</p>
      <ErrorNote error={policy.error ?? metadata.error} />
      {rules.length ? (
        <ol className="rules">
          {rules.map((r, i) => (
            <li key={i}>
              {ruleText(r, templates)}{' '}
              {mayEdit && (
                <button
                  type="button"
                  aria-label={`Delete retention rule ${i + 1}`}
                  onClick={() => save.mutate(rules.filter((_, j) => j !== i))}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">No retention rules: every artifact is kept.</p>
      )}
      <div className="toolbar">
        {mayEdit && (
          <button type="button" onClick={() => setAdding(true)} disabled={!metadata.data || rules.length >= 15}>
            Add Rule
          </button>
        )}
        {id && rules.length > 0 && can('tag-retention', 'operate') && (
          <>
            <button type="button" onClick={() => run.mutate(true)}>
              Dry Run
            </button>
            <button type="button" onClick={() => run.mutate(false)}>
              Run Now
            </button>
          </>
        )}
      </div>
      <ErrorNote error={run.error ?? save.error} />
      {id && <RetentionRuns id={id} />}
      <Dialog title="Add Tag Retention Rule" open={adding} onClose={() => setAdding(false)}>
        <RuleForm
          templates={templates}
          onCancel={() => setAdding(false)}
          error={save.error}
          pending={save.isPending}
          onSubmit={({ repository, tag, template, count }) => {
            const counted = templates.find((t) => t.rule_template === template)?.params?.length;
            save.mutate([
              ...rules,
              {
                disabled: false,
                action: 'retain',
                template,
                params: counted ? { [template]: Number(count) } : {},
                ...selectors(repository, tag),
              },
            ]);
          }}
        />
      </Dialog>
    </section>
  );
}

interface RetentionRun {
  id: number;
  status: string;
  trigger: string;
  dry_run: boolean;
  start_time?: string;
}

const runColumns: ColumnDef<RetentionRun>[] = [
  { header: 'Run', cell: ({ row }) => row.original.id },
  { header: 'Status', cell: ({ row }) => <Status value={row.original.status} /> },
  { header: 'Trigger', cell: ({ row }) => row.original.trigger },
  { header: 'Dry run', cell: ({ row }) => (row.original.dry_run ? 'Yes' : 'No') },
  { header: 'Started', cell: ({ row }) => time(row.original.start_time) },
];

function RetentionRuns({ id }: { id: string }) {
  const runs = usePagedList<RetentionRun>(
    `/retentions/${id}/executions`,
    {},
    { pageSize: 5, refreshWhile: (items) => items.some((e) => e.status === 'Running' || e.status === 'Pending') },
  );
  return (
    <PagedTable
      label="Retention runs"
      columns={runColumns}
      list={runs}
      empty="Retention has not run yet."
      rowKey={(r) => r.id}
    />
  );
}

function Immutability() {
  const project = useProject();
  const can = useCan();
  const base = `${projectPath(project.name)}/immutabletagrules`;
  const [adding, setAdding] = useState(false);
  const rules = useQuery({ queryKey: [base], queryFn: () => request<TagRule[]>(base) });
  const add = useMutation({
    mutationFn: ({ repository, tag }: RuleFields) =>
      post(base, {
        disabled: false,
        action: 'immutable',
        template: 'immutable_template',
        ...selectors(repository, tag),
      }),
    onSuccess: () => setAdding(false),
  });
  const remove = useMutation({ mutationFn: (id: number) => request(`${base}/${id}`, { method: 'DELETE' }) });
  const toggle = useMutation({
    mutationFn: (rule: TagRule) =>
      request(`${base}/${rule.id}`, { method: 'PUT', body: { ...rule, disabled: !rule.disabled } }),
  });
  return (
    <section aria-labelledby="immutability-title">
      <h2 id="immutability-title">Tag Immutability</h2>
      <p className="meta">A tag that matches a rule cannot be pushed over or deleted.</p>
      <ErrorNote error={rules.error ?? remove.error ?? toggle.error} />
      {rules.data?.length ? (
        <ul className="rules">
          {rules.data.map((r) => (
            <li key={r.id}>
              Tags matching {patternText(r.tag_selectors[0])} in repositories matching{' '}
              {patternText(r.scope_selectors.repository[0])}
              {r.disabled && ' (disabled)'}{' '}
              {can('immutable-tag', 'update') && (
                <button type="button" onClick={() => toggle.mutate(r)}>
                  {r.disabled ? 'Enable' : 'Disable'}
                </button>
              )}{' '}
              {can('immutable-tag', 'delete') && (
                <button
                  type="button"
                  aria-label={`Delete immutability rule ${r.id}`}
                  onClick={() => r.id && remove.mutate(r.id)}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No immutability rules.</p>
      )}
      <div className="toolbar">
        {can('immutable-tag', 'create') && (
          <button type="button" onClick={() => setAdding(true)} disabled={(rules.data?.length ?? 0) >= 15}>
            Add Rule
          </button>
        )}
      </div>
      <Dialog title="Add Tag Immutability Rule" open={adding} onClose={() => setAdding(false)}>
        <RuleForm
          onCancel={() => setAdding(false)}
          error={add.error}
          pending={add.isPending}
          onSubmit={(f) => add.mutate(f)}
        />
      </Dialog>
    </section>
  );
}
