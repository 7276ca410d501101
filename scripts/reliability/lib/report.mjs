// Printing the figures of a reliability run: Markdown tables (they paste into docs/reliability.md
// as they are) and the list of targets, met or missed, that decides the exit code.
import fs from 'node:fs';

// ESLint's script globals (eslint.config.mjs) do not list AbortSignal.
const timeoutSignal = (ms) => globalThis.AbortSignal.timeout(ms);

/** Prints a Markdown table; `rows` are arrays of cells (numbers are printed as they are). */
export function table(title, header, rows) {
  console.log(`\n${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

export const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const pct = (ratio, digits = 2) => `${fixed(ratio * 100, digits)}%`;

/** Collects target checks; `print()` lists them and returns the exit code (1 if any missed). */
export class Targets {
  checks = [];

  check(name, measured, target, met) {
    this.checks.push({ name, measured, target, met: Boolean(met) });
  }

  print() {
    table(
      'Targets',
      ['target', 'measured', 'wanted', 'result'],
      this.checks.map((c) => [c.name, c.measured, c.target, c.met ? 'met' : '**MISSED**']),
    );
    const missed = this.checks.filter((c) => !c.met);
    console.log(
      missed.length === 0
        ? `\nall ${this.checks.length} targets met`
        : `\n${missed.length} of ${this.checks.length} targets missed: ${missed.map((c) => c.name).join('; ')}`,
    );
    return missed.length === 0 ? 0 : 1;
  }
}

/** The sum of a Prometheus counter's series whose labels include every pair in `labels`. */
export function counter(page, name, labels = {}) {
  let sum = 0;
  for (const m of page.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))) {
    const have = Object.fromEntries(
      [...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[2]);
  }
  return sum;
}

export async function metrics(url) {
  const res = await fetch(`${url}/metrics`, { signal: timeoutSignal(5000) });
  return res.text();
}

/** Resident memory of a process in bytes (VmRSS), or undefined when it is gone. */
export function rss(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const mib = (bytes) => fixed(bytes / (1 << 20), 1);
