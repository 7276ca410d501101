// Trims the production node_modules that goes into the apps' images (the Dockerfile's prod-deps
// stage runs it after `npm prune --omit=dev`): what Node never loads on the image's platform.
//   - native binaries for other platforms: onnxruntime-node ships macOS, Windows and Linux builds
//     for two CPUs each (about 240 of its 290 MB are not Linux on this CPU); tokenizers ships one
//     .node file per platform;
//   - source maps and TypeScript declarations (about 85 MB), except inside `typescript`, whose
//     lib/*.d.ts are data that its compiler reads.
// Usage: node prune-node-modules.mjs [node_modules]
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? 'node_modules';
const { platform, arch } = process;
const libc = process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl';
const DROPPED_FILE = /\.(?:[cm]?js\.map|d\.[cm]?ts(?:\.map)?|ts\.map)$/;
const KEEP_WHOLE = new Set([join(root, 'typescript')]);

let freed = 0;

function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function remove(path) {
  freed += sizeOf(path);
  rmSync(path, { recursive: true, force: true });
}

const entries = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a package this app's dependencies do not include
  }
};

/** onnxruntime-node/bin/<napi>/<platform>/<arch>: only this platform's and CPU's folder stays. */
function pruneOnnxRuntime() {
  const bin = join(root, 'onnxruntime-node', 'bin');
  for (const napi of entries(bin)) {
    for (const os of entries(join(bin, napi.name))) {
      const osDir = join(bin, napi.name, os.name);
      if (os.name !== platform) {
        remove(osDir);
        continue;
      }
      for (const cpu of entries(osDir)) if (cpu.name !== arch) remove(join(osDir, cpu.name));
    }
  }
}

/** tokenizers/tokenizers.<platform>-<arch>[-<abi>].node: only the one Node would load stays. */
function pruneTokenizers() {
  const dir = join(root, 'tokenizers');
  const wanted = `tokenizers.${platform}-${arch}${platform === 'linux' ? `-${libc}` : ''}.node`;
  for (const file of entries(dir)) {
    if (file.name.endsWith('.node') && file.name !== wanted) remove(join(dir, file.name));
  }
}

function pruneFiles(dir) {
  for (const entry of entries(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!KEEP_WHOLE.has(path)) pruneFiles(path);
    } else if (entry.isFile() && DROPPED_FILE.test(entry.name)) {
      remove(path);
    }
  }
}

pruneOnnxRuntime();
pruneTokenizers();
pruneFiles(root);
console.log(`prune-node-modules: ${(freed / 1e6).toFixed(0)} MB removed from ${root}`);
