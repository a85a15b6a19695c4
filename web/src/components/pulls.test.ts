import { describe, expect, it } from 'vitest';
import { dayQuery, lastDays } from './pulls';

describe('pulls a day', () => {
  it('counts the UTC days that end with today, oldest first', () => {
    const now = Date.UTC(2026, 11, 6, 20, 30);
    const days = lastDays(3, now);
    expect(days.map((d) => new Date(d * 1000).toISOString())).toEqual([
      '2026-12-04T00:00:00.000Z',
      '2026-12-05T00:00:00.000Z',
      '2026-12-06T00:00:00.000Z',
    ]);
  });

  it("asks for one day's pulls in Harbor's query syntax", () => {
    expect(dayQuery(Date.UTC(2026, 11, 6) / 1000)).toBe(
      'operation=pull,op_time=[2026-12-06 00:00:00~2026-12-06 23:59:59]',
    );
  });
});
