const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Scales to the largest unit below the value; fewer digits as numbers grow; no trailing zeros. */
function scale(bytes: number, base: number, units: readonly string[], smallDigits: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : smallDigits;
  const text = value.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${text} ${units[unit]}`;
}

/** Binary units as operating systems show disk sizes: 402653184 → "384 MiB". */
export function formatBytes(bytes: number): string {
  return scale(bytes, 1024, BINARY_UNITS, 2);
}

/** Decimal units, as drive makers and Azure's limits use them: 11e12 → "11 TB". */
export function formatDecimalBytes(bytes: number): string {
  return scale(bytes, 1000, DECIMAL_UNITS, 1);
}
