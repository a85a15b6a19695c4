import { PageTitle } from '../../components/PageTitle';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { request } from '../../api/client';
import type { Quota } from '../../api/types';
import { PagedTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Notice';
import { SizeInput, validSize } from '../../components/SizeInput';
import { UsageBar } from '../../components/UsageBar';
import { toBytes } from '../../format';
import { usePagedList } from '../../hooks';
import { FormActions } from '../../components/FormActions';

export function QuotasPage() {
  const [editing, setEditing] = useState<Quota | null>(null);
  const list = usePagedList<Quota>('/quotas', { reference: 'project', sort: '-used.storage' });
  const columns: ColumnDef<Quota>[] = [
    {
      header: 'Project',
      cell: ({ row }) => (
        <Link to={`/projects/${encodeURIComponent(row.original.ref?.name ?? '')}/summary`}>
          {row.original.ref?.name}
        </Link>
      ),
    },
    { header: 'Owner', cell: ({ row }) => row.original.ref?.owner_name ?? '' },
    {
      header: 'Storage',
      cell: ({ row }) => <UsageBar used={row.original.used.storage ?? 0} limit={row.original.hard.storage} />,
    },
    {
      header: 'Actions',
      cell: ({ row }) => (
        <button
          type="button"
          onClick={() => setEditing(row.original)}
          aria-label={`Edit the quota of ${row.original.ref?.name}`}
        >
          Edit
        </button>
      ),
    },
  ];
  return (
    <section>
      <PageTitle>Project Quotas</PageTitle>
      <PagedTable label="Project quotas" columns={columns} list={list} rowKey={(q) => q.id} />
      <Dialog
        title={`Edit the quota of ${editing?.ref?.name ?? ''}`}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && <EditQuota quota={editing} onDone={() => setEditing(null)} />}
      </Dialog>
    </section>
  );
}

function EditQuota({ quota, onDone }: { quota: Quota; onDone: () => void }) {
  const current = quota.hard.storage ?? -1;
  const {
    register,
    handleSubmit,
    getValues,
    formState: { errors },
  } = useForm({ defaultValues: { amount: current < 0 ? '-1' : String(current / 1024 ** 3), unit: 'GiB' } });
  const mutation = useMutation({
    mutationFn: (storage: number | null) =>
      request(`/quotas/${quota.id}`, { method: 'PUT', body: { hard: { storage } } }),
    onSuccess: onDone,
  });
  return (
    <form className="stack" noValidate onSubmit={handleSubmit((f) => mutation.mutate(toBytes(f.amount, f.unit)))}>
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
