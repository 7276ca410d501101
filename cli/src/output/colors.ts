/**
 * ANSI colours without a library: only on a TTY, and never when NO_COLOR is set
 * (https://no-color.org: any non-empty value disables colour).
 */
import { type Env } from '../config/cli.config.js';

export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

export function colorsEnabled(stream: { isTTY?: boolean }, env: Env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function createColors(enabled: boolean): Colors {
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
  };
}
