// What `up` needs before it can start anything: dependencies, the nats-server binary, MLflow in
// the Python venv, a build of the apps that is not older than their sources. Each step is
// skipped when already satisfied.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './config.mjs';
import { APP_NAMES, appDistEntry } from './specs.mjs';

// What the build reads: a newer file here than the last build means the build is stale.
const BUILD_INPUTS = [
  'apps',
  'libs',
  'cli',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];
const BUILD_STAMP = 'dist/.stack-build-stamp';

function run(config, command, args, env = {}) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: config.repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit code ${result.status ?? result.signal}`;
    throw new StackError(`\`${[command, ...args].join(' ')}\` failed (${why})`);
  }
}

function ensureDependencies(config) {
  const installed = path.join(config.repoRoot, 'node_modules/.package-lock.json');
  if (!fs.existsSync(installed)) {
    // onnxruntime-node's install script downloads GPU binaries we do not use.
    run(config, 'npm', ['ci'], { ONNXRUNTIME_NODE_INSTALL: 'skip' });
  } else if (mtime(path.join(config.repoRoot, 'package-lock.json')) > mtime(installed)) {
    console.warn('warning: package-lock.json is newer than node_modules; run `make install`');
  }
}

function ensureNatsServer(config) {
  run(config, path.join(config.repoRoot, 'scripts/install/nats-server.sh'), []);
}

/**
 * The MLflow server runs from the training package's venv (`make venv` installs `mlflow`, the
 * full package: `mlflow-skinny` has no server). Not installed here: the venv is large.
 */
function ensureMlflow(config) {
  if (!config.mlflow) return;
  const { venv, python } = config.mlflow;
  const remedy =
    'Run `make venv` (or point SENTIMENTOPS_VENV at a venv with mlflow), ' +
    'or start without MLflow: SENTIMENTOPS_MLFLOW=off make up';
  if (!fs.existsSync(python)) {
    throw new StackError(
      `MLflow runs from the Python venv, and there is none at ${venv}. ${remedy}`,
    );
  }
  // The installed distribution, read from its metadata: `import mlflow` would take seconds.
  const probe = spawnSync(
    python,
    ['-c', 'import importlib.metadata as m; print(m.version("mlflow"))'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (probe.status !== 0) {
    throw new StackError(`the venv at ${venv} has no mlflow server package. ${remedy}`);
  }
  fs.mkdirSync(config.dirs.mlflow, { recursive: true });
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification time under a file or folder (skipping unit tests). */
function newestMtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return file.endsWith('.spec.ts') ? 0 : stat.mtimeMs;
  return fs
    .readdirSync(file)
    .reduce((newest, entry) => Math.max(newest, newestMtime(path.join(file, entry))), 0);
}

/** The apps report the commit they were built from: a build from another commit is stale. */
function builtFromAnotherCommit(config) {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: config.repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return false;
  try {
    const info = JSON.parse(
      fs.readFileSync(path.join(config.repoRoot, 'dist/build-info.json'), 'utf8'),
    );
    return info.commit !== head.stdout.trim();
  } catch {
    return true;
  }
}

function buildIsStale(config) {
  const at = (file) => path.join(config.repoRoot, file);
  if (APP_NAMES.some((name) => !fs.existsSync(at(appDistEntry(name))))) return true;
  if (builtFromAnotherCommit(config)) return true;
  const built = Math.max(mtime(at(BUILD_STAMP)), mtime(at('dist/.tsbuildinfo')));
  return BUILD_INPUTS.some((input) => newestMtime(at(input)) > built);
}

function ensureBuild(config) {
  if (config.appEntry) {
    console.log(`SENTIMENTOPS_APP_ENTRY=${config.appEntry}: not building the apps`);
    return;
  }
  if (!buildIsStale(config)) return;
  run(config, 'npm', ['run', 'build']);
  fs.writeFileSync(path.join(config.repoRoot, BUILD_STAMP), `${new Date().toISOString()}\n`);
}

export function ensurePrerequisites(config) {
  ensureDependencies(config);
  ensureNatsServer(config);
  ensureMlflow(config);
  ensureBuild(config);
}
