// How the portal shows sizes, times and digests.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value: number | undefined): string {
  if (value === undefined || value === null) return '—';
  if (value < 0) return 'unlimited';
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? n : n.toFixed(n < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

// A date as the reader's locale writes it; '—' for none or Go's zero time.
export function time(value: string | undefined): string {
  if (!value || value.startsWith('0001-')) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

// A limit typed with a unit, in bytes; -1 stays unlimited. null when it is not a number.
export function toBytes(amount: string, unit: string): number | null {
  const n = Number(amount);
  if (amount.trim() === '' || !Number.isFinite(n)) return null;
  if (n === -1) return -1;
  const power = UNITS.indexOf(unit);
  if (n < 0 || power < 0) return null;
  return Math.round(n * 1024 ** power);
}

export const LIMIT_UNITS = ['MiB', 'GiB', 'TiB'];

export function platformText(p: { os?: string; architecture?: string; variant?: string } | undefined): string {
  if (!p || (!p.os && !p.architecture)) return '';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
