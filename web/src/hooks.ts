import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestPage } from './api/client';

// One page of a server-side list, with the page and page size it is on. `query` is Harbor's
// list query (q=name=~x and such); a new query returns to the first page.
export function usePagedList<T>(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  options: { pageSize?: number; refreshWhile?: (items: T[]) => boolean } = {},
) {
  const [size, setSize] = useState(options.pageSize ?? 15);
  // The page belongs to the query it was chosen for: another query starts on the first.
  const queryText = JSON.stringify(query);
  const [chosen, setChosen] = useState({ queryText, page: 1 });
  const page = chosen.queryText === queryText ? chosen.page : 1;
  const setPage = (next: number) => setChosen({ queryText, page: next });
  const result = useQuery({
    queryKey: [path, query, page, size],
    queryFn: () => requestPage<T>(path, { ...query, page, page_size: size }),
    placeholderData: keepPreviousData,
    // Live progress: while the page shows something under way, it is asked again every second.
    refetchInterval: (q) =>
      options.refreshWhile && q.state.data && options.refreshWhile(q.state.data.items) ? 1000 : false,
  });
  return {
    ...result,
    paging: {
      page,
      pageSize: size,
      total: result.data?.total ?? 0,
      onPage: setPage,
      onPageSize: (next: number) => {
        setSize(next);
        setPage(1);
      },
    },
  };
}

// Harbor's fuzzy match on a field, or nothing for an empty search.
export function fuzzy(field: string, text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed ? `${field}=~${trimmed}` : undefined;
}
