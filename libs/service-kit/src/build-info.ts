import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildInfo {
  version: string;
  commit: string;
}

/**
 * Version and commit of the running code. `npm run build` records them in dist/build-info.json;
 * processes run from the repository (or the image's workdir), so both files are found from cwd.
 */
export function readBuildInfo(commitOverride?: string, root = process.cwd()): BuildInfo {
  const built = readJson(join(root, 'dist', 'build-info.json'));
  const pkg = readJson(join(root, 'package.json'));
  return {
    version: str(built?.version) ?? str(pkg?.version) ?? '0.0.0',
    commit: commitOverride ?? str(built?.commit) ?? 'unknown',
  };
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
