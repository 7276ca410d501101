#!/usr/bin/env node
// Launcher of the `sentimentops` CLI: the TypeScript sources in cli/ compile to dist/ with
// `npm run build`; this file only finds that output and hands it the process.
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/cli/src/main.js', import.meta.url);

if (!existsSync(entry)) {
  process.stderr.write(
    `sentimentops: the CLI is not built (${fileURLToPath(entry)} is missing).\n` +
      `Run \`npm run build\` in ${packageRoot} first.\n`,
  );
  process.exit(1);
}

const { runCli } = await import(entry.href);
// exitCode rather than exit(): lets piped stdout drain before the process ends.
process.exitCode = await runCli(packageRoot);
