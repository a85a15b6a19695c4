import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { requestPage } from '../api/client';
import type { Quota } from '../api/types';
import { bytes } from '../format';
import { ErrorNote } from './Notice';

// The projects that hold the most, as bars against the largest: where the storage goes.
export function StorageByProject({ top = 10 }: { top?: number }) {
  const quotas = useQuery({
    queryKey: ['/quotas', 'top', top],
    queryFn: () =>
      requestPage<Quota>('/quotas', { reference: 'project', sort: '-used.storage', page: 1, page_size: top }),
  });
  const items = quotas.data?.items ?? [];
  const largest = Math.max(1, ...items.map((q) => q.used.storage ?? 0));
  return (
    <figure className="chart">
      <figcaption>
        Storage by project{quotas.data && `, the ${items.length} largest of ${quotas.data.total}`}
      </figcaption>
      <ErrorNote error={quotas.error} />
      <ul className="bars">
        {items.map((q) => (
          <li key={q.id}>
            <Link to={`/projects/${encodeURIComponent(q.ref?.name ?? '')}/summary`}>{q.ref?.name}</Link>
            <meter min={0} max={largest} value={q.used.storage ?? 0} aria-label={`Storage of ${q.ref?.name}`} />
            <span>{bytes(q.used.storage ?? 0)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
