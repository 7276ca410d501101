/** A cli-progress bar behind a tiny interface, so long operations don't depend on the library. */
import cliProgress from 'cli-progress';

export interface ProgressTicker {
  /** Advance by `step` (default 1). */
  increment(step?: number): void;
  /** Jump to an absolute value, e.g. from a server-reported counter; `detail` follows the bar. */
  update(value: number, detail?: string): void;
  /** Change the total when it becomes known late. */
  setTotal(total: number): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream | { write(chunk: string): unknown; isTTY?: boolean };
  visible: boolean;
  label: string;
  total: number;
}

const SILENT: ProgressTicker = { increment() {}, update() {}, setTotal() {} };

export async function runWithProgress<T>(
  options: ProgressOptions,
  fn: (progress: ProgressTicker) => Promise<T>,
): Promise<T> {
  if (!options.visible) return fn(SILENT);
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}{detail}`,
      stream: options.stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { detail: '' });
  try {
    return await fn({
      increment: (step = 1) => bar.increment(step),
      update: (value, detail) => bar.update(value, { detail: detail ? ` | ${detail}` : '' }),
      setTotal: (total) => bar.setTotal(total),
    });
  } finally {
    bar.stop();
  }
}
