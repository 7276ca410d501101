#!/usr/bin/env node
// Checks monitoring/grafana/ (run by scripts/check/monitoring.sh, which passes PROMTOOL):
//   1. every dashboard JSON against Grafana's dashboard schema, plus the house rules (stable uid,
//      a `datasource` variable every query uses, $__rate_interval/$__range windows, unique ids);
//   2. the alerting provisioning: rule structure (refIds, condition, datasource uids, severity,
//      annotations, runbook anchors), contact points (webhook URL only from a secret), policies;
//   3. every PromQL expression of both, after substituting Grafana's variables with plausible
//      values, parsed by promtool. promtool has no "parse this expression" command, so the
//      expressions become recording rules of a temporary rules file (one group per expression, so
//      an error names the panel) and `promtool check rules` parses and type-checks each one.
//
// The schema: the `Dashboard` type of the npm package @grafana/schema (Grafana's own generated
// dashboard kind, Apache-2.0), turned into a JSON Schema by ts-json-schema-generator and cached in
// .cache/grafana-schema/. Both pinned below; 2.4.0 is the generator's last release that runs on
// Node 20. The Go module of Grafana is AGPL and its schema is CUE, so it is not used. The schema
// forbids unknown keys, which catches misspelt panel and target fields.
import Ajv from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GRAFANA_SCHEMA = '@grafana/schema@13.2.3';
const SCHEMA_GENERATOR = 'ts-json-schema-generator@2.4.0';
const DASHBOARD_TYPES = 'package/dist/types/raw/dashboard/x/types.gen.d.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DASHBOARDS = join(ROOT, 'monitoring/grafana/dashboards');
const PROVISIONING = join(ROOT, 'monitoring/grafana/provisioning');
const PROMTOOL = process.env.PROMTOOL || join(ROOT, '.cache/bin/promtool');

// Plausible values for Grafana's built-in and the dashboards' own variables.
const SAMPLE_VALUES = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '6h',
  __range_s: '21600',
  __interval_ms: '30000',
  datasource: 'prometheus',
  track: 'champion',
  route: '/predict',
  model_version: '3',
  feature: 'score',
  model: 'sentiment',
};
const WINDOW_VARIABLES = new Set(['$__rate_interval', '$__range', '$__interval']);
const SEVERITIES = new Set(['critical', 'warning', 'info']);

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

/** Grafana's dashboard JSON Schema, generated once per pinned version. */
function dashboardSchema() {
  const cached = join(
    ROOT,
    '.cache/grafana-schema',
    GRAFANA_SCHEMA.replace('/', '__'),
    'dashboard.schema.json',
  );
  if (!existsSync(cached)) {
    console.log(
      `  generating the dashboard schema from ${GRAFANA_SCHEMA} (${SCHEMA_GENERATOR}), once`,
    );
    const work = mkdtempSync(join(tmpdir(), 'grafana-schema-'));
    try {
      const tarball = execFileSync('npm', ['pack', GRAFANA_SCHEMA, '--silent'], { cwd: work })
        .toString()
        .trim()
        .split('\n')
        .pop();
      execFileSync('tar', ['-xzf', tarball, DASHBOARD_TYPES], { cwd: work });
      const out = join(work, 'dashboard.schema.json');
      execFileSync(
        'npx',
        ['--yes', SCHEMA_GENERATOR, '--path', DASHBOARD_TYPES, '--type', 'Dashboard', '--out', out],
        { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      mkdirSync(join(cached, '..'), { recursive: true });
      renameSync(out, cached);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(cached, 'utf8'));
}

/** Panels, those inside rows included. */
function allPanels(dashboard) {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Replaces $var, ${var}, ${var:format} and [[var]] with sample values; unknown ones are errors. */
function substitute(expr, declared, where) {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (match, a, b, c) => {
    const name = a ?? b ?? c;
    if (name in SAMPLE_VALUES) return SAMPLE_VALUES[name];
    if (declared.has(name)) return 'sample';
    fail(where, `uses ${match}, which is neither a dashboard variable nor one of Grafana's`);
    return match;
  });
}

function checkDashboards(schema, expressions) {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const uids = new Map();
  const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
  for (const file of files) {
    const where = `dashboards/${file}`;
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8'));
    } catch (err) {
      fail(where, `not JSON: ${err.message}`);
      continue;
    }
    if (!validate(dashboard)) {
      for (const e of validate.errors) {
        const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : '';
        fail(where, `schema: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
    if (!/^sentimentops-[a-z0-9-]{1,27}$/.test(dashboard.uid ?? '')) {
      fail(
        where,
        `uid "${dashboard.uid}" must be a stable "sentimentops-..." name (at most 40 characters)`,
      );
    } else if (uids.has(dashboard.uid)) {
      fail(where, `uid "${dashboard.uid}" is also the uid of ${uids.get(dashboard.uid)}`);
    }
    uids.set(dashboard.uid, file);

    const variables = dashboard.templating?.list ?? [];
    const declared = new Set(variables.map((v) => v.name));
    const ds = variables.find((v) => v.name === 'datasource');
    if (!ds || ds.type !== 'datasource' || ds.query !== 'prometheus') {
      fail(where, 'needs a `datasource` variable of type datasource, query prometheus');
    }
    for (const v of variables.filter((x) => x.type === 'query')) {
      const vWhere = `${where} variable ${v.name}`;
      if (v.datasource?.uid !== '${datasource}') fail(vWhere, 'must query ${datasource}');
      const query = typeof v.query === 'string' ? v.query : v.query?.query;
      const m =
        /^\s*(?:label_values\((.*),\s*\w+\s*\)|query_result\((.*)\)|metrics\((.*)\))\s*$/s.exec(
          query ?? '',
        );
      if (!m) fail(vWhere, `unrecognised variable query: ${query}`);
      else
        expressions.push({
          where: vWhere,
          expr: substitute(m[1] ?? m[2] ?? m[3], declared, vWhere),
        });
    }

    const ids = new Set();
    for (const panel of allPanels(dashboard)) {
      const pWhere = `${where} panel ${panel.id} "${panel.title}"`;
      if (ids.has(panel.id)) fail(pWhere, 'duplicate panel id');
      ids.add(panel.id);
      if (panel.type === 'row') continue;
      if (panel.datasource?.uid !== '${datasource}')
        fail(pWhere, 'datasource must be ${datasource}');
      if (!panel.targets?.length) fail(pWhere, 'has no query');
      for (const target of panel.targets ?? []) {
        const tWhere = `${pWhere} query ${target.refId}`;
        if (target.datasource?.uid !== '${datasource}')
          fail(tWhere, 'datasource must be ${datasource}');
        if (!target.expr?.trim()) {
          fail(tWhere, 'empty expression');
          continue;
        }
        for (const [, window] of target.expr.matchAll(/\[([^\]]+)\]/g)) {
          if (!WINDOW_VARIABLES.has(window.split(':')[0])) {
            fail(
              tWhere,
              `range [${window}]: use [$__rate_interval] (or $__range for the whole range)`,
            );
          }
        }
        expressions.push({ where: tWhere, expr: substitute(target.expr, declared, tWhere) });
      }
    }
  }
  return files.length;
}

function loadYamlDir(dir) {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ file: f, doc: loadYaml(readFileSync(join(dir, f), 'utf8')) }));
}

function checkAlerting(expressions) {
  const datasources = new Set(
    loadYamlDir(join(PROVISIONING, 'datasources')).flatMap(({ doc }) =>
      (doc.datasources ?? []).map((d) => d.uid),
    ),
  );
  const alerting = loadYamlDir(join(PROVISIONING, 'alerting'));
  const receivers = new Set();
  const ruleUids = new Set();
  let rules = 0;

  for (const { file, doc } of alerting) {
    if (doc.apiVersion !== 1) fail(`alerting/${file}`, 'apiVersion must be 1');
    for (const cp of doc.contactPoints ?? []) {
      receivers.add(cp.name);
      for (const r of cp.receivers ?? []) {
        const url = r.settings?.url ?? '';
        if (!/^\$__(file|env)\{[^}]+\}$|^\$\{?\w+\}?$/.test(url)) {
          fail(
            `alerting/${file} contact point ${cp.name}`,
            'the webhook URL must come from $__file{...} or $__env{...}',
          );
        }
      }
    }
  }
  for (const { file, doc } of alerting) {
    const walk = (route, where) => {
      if (route.receiver && !receivers.has(route.receiver)) {
        fail(where, `receiver ${route.receiver} is no provisioned contact point`);
      }
      (route.routes ?? []).forEach((r, i) => walk(r, `${where} route ${i + 1}`));
    };
    (doc.policies ?? []).forEach((p) => walk(p, `alerting/${file} policy`));

    for (const group of doc.groups ?? []) {
      if (!group.name || !group.folder || !/^\d+[smh]$/.test(group.interval ?? '')) {
        fail(`alerting/${file}`, `group ${group.name}: needs name, folder and interval`);
      }
      for (const rule of group.rules ?? []) {
        rules += 1;
        const where = `alerting/${file} rule ${rule.uid} (${rule.title})`;
        if (!rule.uid || rule.uid.length > 40 || ruleUids.has(rule.uid))
          fail(where, 'uid missing, too long or repeated');
        ruleUids.add(rule.uid);
        const refs = new Set((rule.data ?? []).map((d) => d.refId));
        if (!refs.has(rule.condition)) fail(where, `condition ${rule.condition} is no refId`);
        for (const d of rule.data ?? []) {
          const dWhere = `${where} ${d.refId}`;
          if (d.model?.refId !== d.refId) fail(dWhere, 'model.refId differs from refId');
          if (d.datasourceUid === '__expr__') {
            const used =
              d.model.type === 'math'
                ? [...d.model.expression.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1])
                : [d.model.expression];
            if (!['math', 'reduce', 'threshold'].includes(d.model.type))
              fail(dWhere, `unknown expression type ${d.model.type}`);
            for (const ref of used)
              if (!refs.has(ref)) fail(dWhere, `refers to ${ref}, which is no refId`);
          } else {
            if (!datasources.has(d.datasourceUid))
              fail(dWhere, `datasource ${d.datasourceUid} is not provisioned`);
            if (!d.model?.expr?.trim()) fail(dWhere, 'empty expression');
            else expressions.push({ where: dWhere, expr: d.model.expr });
          }
        }
        if (!SEVERITIES.has(rule.labels?.severity))
          fail(where, 'label severity must be critical, warning or info');
        for (const [k, v] of Object.entries(rule.labels ?? {})) {
          if (String(v).includes('$'))
            fail(where, `label ${k}: provisioning interpolates labels, no $`);
        }
        for (const a of ['summary', 'description', 'runbook_url']) {
          if (!rule.annotations?.[a]) fail(where, `annotation ${a} missing`);
        }
        const runbook = `docs/runbook.md#${String(rule.title).toLowerCase()}`;
        if (rule.annotations?.runbook_url !== runbook)
          fail(where, `runbook_url must be ${runbook}`);
        if (!/^\d+[smh]$/.test(rule.for ?? '')) fail(where, `for "${rule.for}" is no duration`);
      }
    }
  }
  return rules;
}

/** Parses every expression with promtool: one recording rule per expression. */
function parseWithPromtool(expressions) {
  const dir = mkdtempSync(join(tmpdir(), 'grafana-promql-'));
  const file = join(dir, 'grafana-expressions.yml');
  const groups = expressions.map((e, i) => ({
    name: `${i + 1}: ${e.where}`,
    rules: [{ record: `grafana_check:expr_${i + 1}`, expr: e.expr }],
  }));
  writeFileSync(file, JSON.stringify({ groups }, null, 1)); // JSON is YAML
  const run = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (run.error) fail('promtool', run.error.message);
  else if (run.status !== 0) fail('PromQL', `promtool check rules:\n${run.stdout}${run.stderr}`);
}

const expressions = [];
const dashboards = checkDashboards(dashboardSchema(), expressions);
const rules = checkAlerting(expressions);
parseWithPromtool(expressions);

if (problems.length) {
  for (const p of problems) console.error(`  FAIL ${p}`);
  console.error(`grafana: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(
  `  ${dashboards} dashboards valid against ${GRAFANA_SCHEMA}; ${rules} Grafana alert rules; ` +
    `${expressions.length} PromQL expressions parsed by promtool`,
);
