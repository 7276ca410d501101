/** Small formatters for table cells; `-` stands for "not reported". */

export const NONE = '-';

export function orNone(value: string | null | undefined): string {
  return value ? value : NONE;
}

/** A git sha cut to 12 characters; anything else ("unknown") as it is. */
export function shortCommit(commit: string | null | undefined): string {
  if (!commit) return NONE;
  return /^[0-9a-f]{13,}$/i.test(commit) ? commit.slice(0, 12) : commit;
}

/** 12.3 -> "12s", 3725 -> "1h 2m", 200000 -> "2d 7h": the two largest units are enough. */
export function formatUptime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return NONE;
  }
  const total = Math.floor(seconds);
  const parts: Array<[number, string]> = [
    [Math.floor(total / 86_400), 'd'],
    [Math.floor((total % 86_400) / 3_600), 'h'],
    [Math.floor((total % 3_600) / 60), 'm'],
    [total % 60, 's'],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** {"nats": "up", "database": "down"} -> "nats:up database:down". */
export function formatChecks(checks: Record<string, string>): string {
  const entries = Object.entries(checks);
  return entries.length === 0 ? NONE : entries.map(([name, state]) => `${name}:${state}`).join(' ');
}
