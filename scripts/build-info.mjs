// Records the version and git commit of this build in dist/build-info.json; every app reports them
// in its `info` reply. GIT_COMMIT (set in images built outside a git checkout) takes precedence.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
let commit = process.env.GIT_COMMIT;
if (!commit) {
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = 'unknown';
  }
}
mkdirSync('dist', { recursive: true });
writeFileSync(
  'dist/build-info.json',
  `${JSON.stringify({ version, commit, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
