import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import type { AuditLog } from '../api/types';
import { time } from '../format';
import { fuzzy, usePagedList } from '../hooks';
import { PagedTable } from './DataTable';
import { SearchBox } from './SearchBox';

const columns: ColumnDef<AuditLog>[] = [
  { header: 'Username', cell: ({ row }) => row.original.username },
  { header: 'Resource', cell: ({ row }) => <span className="mono">{row.original.resource}</span> },
  { header: 'Resource Type', cell: ({ row }) => row.original.resource_type },
  { header: 'Operation', cell: ({ row }) => row.original.operation },
  { header: 'Timestamp', cell: ({ row }) => time(row.original.op_time) },
];

const OPERATIONS = ['', 'create', 'delete', 'pull', 'update'];

// The audit log of the whole system or of one project, newest first.
export function AuditLogTable({ path }: { path: string }) {
  const [operation, setOperation] = useState('');
  const [resource, setResource] = useState('');
  const q = [operation ? `operation=${operation}` : undefined, fuzzy('resource', resource)].filter(Boolean).join(',');
  const list = usePagedList<AuditLog>(path, { q: q || undefined, sort: '-op_time' });
  return (
    <div>
      <div className="toolbar">
        <label>
          Operation{' '}
          <select value={operation} onChange={(e) => setOperation(e.target.value)}>
            {OPERATIONS.map((o) => (
              <option key={o} value={o}>
                {o || 'All'}
              </option>
            ))}
          </select>
        </label>
        <SearchBox
          label="Search logs by resource"
          placeholder="Search by resource"
          value={resource}
          onChange={setResource}
        />
        <button type="button" onClick={() => list.refetch()}>
          Refresh
        </button>
      </div>
      <PagedTable label="Audit log" columns={columns} list={list} empty="No log entries." rowKey={(l) => l.id} />
    </div>
  );
}
