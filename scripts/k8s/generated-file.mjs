// A manifest under k8s/ that a script generates from another source of truth: written in
// Prettier's style (so `prettier --check .` agrees with it), or, with --check, compared with the
// committed file, failing when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Writes `text` to `file` (relative to the repository), or checks it is already there. */
export async function writeOrCheck(file, text, { check, regenerate }) {
  const absolute = path.join(repoRoot, file);
  const options = (await resolveConfig(absolute)) ?? {};
  const formatted = await format(text, { ...options, filepath: absolute });
  const current = fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : undefined;
  if (check) {
    if (current === formatted) {
      console.log(`${file} is up to date`);
      return true;
    }
    console.error(
      `error: ${file} is ${current === undefined ? 'missing' : 'stale'}: run \`${regenerate}\` and commit it`,
    );
    return false;
  }
  if (current !== formatted) fs.writeFileSync(absolute, formatted);
  console.log(`${current === formatted ? 'unchanged' : 'wrote'} ${file}`);
  return true;
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function readEnvFile(file) {
  const values = {};
  for (const line of fs.readFileSync(path.join(repoRoot, file), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}
