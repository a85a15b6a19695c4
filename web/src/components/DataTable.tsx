import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import type { usePagedList } from '../hooks';
import { ErrorNote } from './Notice';

interface Paging {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
}

interface Props<T> {
  label: string;
  columns: ColumnDef<T, any>[];
  rows: T[] | undefined;
  loading?: boolean;
  error?: ReactNode;
  empty?: string;
  paging?: Paging;
  rowKey: (row: T) => string | number;
}

const PAGE_SIZES = [15, 25, 50, 100];

// The sizes to choose from, with the list's own among them (a short list starts at 5).
function pageSizes(current: number): number[] {
  return [...new Set([current, ...PAGE_SIZES])].sort((a, b) => a - b);
}

// A table of one page of a server-side list: the API pages, so the table shows what it got.
export function DataTable<T>({ label, columns, rows, loading, error, empty, paging, rowKey }: Props<T>) {
  const table = useReactTable({
    data: rows ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(rowKey(row)),
    manualPagination: true,
  });
  const pages = paging ? Math.max(1, Math.ceil(paging.total / paging.pageSize)) : 1;
  return (
    <div className="table-wrap">
      <table aria-label={label} aria-busy={loading || undefined}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} data-label={String(cell.column.columnDef.header ?? '')}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {error}
      {!loading && !error && rows?.length === 0 && <p className="empty">{empty ?? 'Nothing here yet.'}</p>}
      {loading && !rows && <p className="empty">Loading…</p>}
      {paging && (
        <nav className="pager" aria-label={`${label} pages`}>
          <span>
            {paging.total === 0
              ? '0 items'
              : `${(paging.page - 1) * paging.pageSize + 1}–${Math.min(paging.total, paging.page * paging.pageSize)} of ${paging.total}`}
          </span>
          {paging.onPageSize && (
            <label>
              Per page{' '}
              <select value={paging.pageSize} onChange={(e) => paging.onPageSize?.(Number(e.target.value))}>
                {pageSizes(paging.pageSize).map((size) => (
                  <option key={size}>{size}</option>
                ))}
              </select>
            </label>
          )}
          <button type="button" disabled={paging.page <= 1} onClick={() => paging.onPage(paging.page - 1)}>
            Previous
          </button>
          <span aria-live="polite">
            Page {paging.page} of {pages}
          </span>
          <button type="button" disabled={paging.page >= pages} onClick={() => paging.onPage(paging.page + 1)}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}

interface PagedProps<T> {
  label: string;
  columns: ColumnDef<T, any>[];
  list: ReturnType<typeof usePagedList<T>>;
  empty?: string;
  rowKey: (row: T) => string | number;
}

// A DataTable over usePagedList: its rows, its loading state, its error and its pages.
export function PagedTable<T>({ label, columns, list, empty, rowKey }: PagedProps<T>) {
  return (
    <DataTable
      label={label}
      columns={columns}
      rows={list.data?.items}
      loading={list.isFetching}
      error={<ErrorNote error={list.error} />}
      empty={empty}
      paging={list.paging}
      rowKey={rowKey}
    />
  );
}
