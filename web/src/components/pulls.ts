// The days of the pulls chart and Harbor's query for each (apart from the chart, which needs a
// browser to load).

export const DAY = 86_400;

// "2026-11-30 00:00:00": the form Harbor's q takes op_time in (UTC).
function stamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

// The UTC days that end with today, oldest first, as Unix seconds at their midnight.
export function lastDays(count: number, now = Date.now()): number[] {
  const today = Math.floor(now / 1000 / DAY) * DAY;
  return Array.from({ length: count }, (_, i) => today - (count - 1 - i) * DAY);
}

export function dayQuery(day: number): string {
  return `operation=pull,op_time=[${stamp(day)}~${stamp(day + DAY - 1)}]`;
}
