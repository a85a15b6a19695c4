import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { requestPage } from '../api/client';
import { ErrorNote } from './Notice';
import { DAY, dayQuery, lastDays } from './pulls';

// Pulls a day over the last `days` days, counted from the audit log at `path` (the API has no
// series of its own: each day is one query that asks only for the total).
export function PullsChart({ path, days = 14 }: { path: string; days?: number }) {
  const series = useQuery({
    queryKey: [path, 'pulls-by-day', days],
    queryFn: async () => {
      const when = lastDays(days);
      const counts = await Promise.all(
        when.map(async (day) => (await requestPage(path, { q: dayQuery(day), page: 1, page_size: 1 })).total),
      );
      return { when, counts };
    },
    staleTime: 60_000,
  });
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = holder.current;
    if (!el || !series.data) return;
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 180,
        legend: { show: false },
        cursor: { show: true, points: { show: false } },
        scales: {
          // Half a day either side, so that the first and last bars are whole.
          x: { time: true, range: (_u: uPlot, min: number, max: number) => [min - DAY / 2, max + DAY / 2] },
          y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] },
        },
        axes: [{}, { size: 48 }],
        series: [
          {},
          {
            label: 'Pulls',
            stroke: '#1d4e89',
            fill: 'rgba(29, 78, 137, 0.35)',
            paths: uPlot.paths.bars?.({ size: [0.7, 40] }),
            points: { show: false },
          },
        ],
      },
      [series.data.when, series.data.counts],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series.data]);
  const total = series.data?.counts.reduce((a, b) => a + b, 0);
  return (
    <figure className="chart">
      <figcaption>
        Pulls a day, last {days} days{total !== undefined && `: ${total} in all`}
      </figcaption>
      <ErrorNote error={series.error} />
      <div ref={holder} role="img" aria-label={`A bar chart of pulls a day over the last ${days} days`} />
      {series.data && (
        <details>
          <summary>The figures</summary>
          <table aria-label="Pulls a day">
            <tbody>
              {series.data.when.map((day, i) => (
                <tr key={day}>
                  <th scope="row">{new Date(day * 1000).toLocaleDateString()}</th>
                  <td>{series.data.counts[i]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
