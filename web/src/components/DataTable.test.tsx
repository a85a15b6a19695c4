import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataTable } from './DataTable';

const columns = [{ header: 'Name', cell: ({ row }: { row: { original: { name: string } } }) => row.original.name }];

describe('DataTable', () => {
  it('shows the page it was given and where it sits in the list', async () => {
    const onPage = vi.fn();
    const rows = Array.from({ length: 15 }, (_, i) => ({ name: `repo-${16 + i}` }));
    render(
      <DataTable
        label="Repositories"
        columns={columns}
        rows={rows}
        paging={{ page: 2, pageSize: 15, total: 40, onPage }}
        rowKey={(r) => r.name}
      />,
    );
    expect(screen.getByRole('table', { name: 'Repositories' })).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(16);
    expect(screen.getByText('16–30 of 40')).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onPage).toHaveBeenCalledWith(3);
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(onPage).toHaveBeenCalledWith(1);
  });

  it('cannot page past either end', () => {
    render(
      <DataTable
        label="Tags"
        columns={columns}
        rows={[{ name: 'latest' }]}
        paging={{ page: 1, pageSize: 15, total: 1, onPage: () => {} }}
        rowKey={(r) => r.name}
      />,
    );
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('says so when the list is empty', () => {
    render(
      <DataTable
        label="Robots"
        columns={columns}
        rows={[]}
        empty="No robot accounts."
        rowKey={(r: { name: string }) => r.name}
      />,
    );
    expect(screen.getByText('No robot accounts.')).toBeInTheDocument();
  });
});
