#!/usr/bin/env node
// House rules of the Prometheus alerts that promtool does not check (scripts/check/monitoring.sh
// runs it after `promtool check rules` and `promtool test rules`):
//   - every alert has labels severity (critical, warning, info) and service, and annotations
//     summary, description and runbook_url = docs/runbook.md#<alert name in lower case>;
//   - every alert has a unit test where it fires and one where it stays silent, and every
//     severity it has fires in some test (monitoring/prometheus/tests/);
//   - the Grafana-managed rules (monitoring/grafana/provisioning/alerting/) cover the same
//     conditions: the same alert names with the same severities and `for`.
import { load as loadYaml } from 'js-yaml';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RULES = join(ROOT, 'monitoring/prometheus/rules');
const TESTS = join(ROOT, 'monitoring/prometheus/tests');
const GRAFANA_ALERTING = join(ROOT, 'monitoring/grafana/provisioning/alerting');
const SEVERITIES = new Set(['critical', 'warning', 'info']);

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const yamlFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({
      file: f,
      path: join(dir, f),
      doc: loadYaml(readFileSync(join(dir, f), 'utf8')),
    }));
const seconds = (d) => {
  const m = /^(\d+)([smh])$/.exec(d ?? '0s');
  return m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2]] : NaN;
};
const key = (name, severity) => `${name} (${severity})`;

// Alerts: name -> [{severity, for}]
const alerts = new Map();
let records = 0;
for (const { file, doc } of yamlFiles(RULES)) {
  for (const group of doc.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.record) {
        records += 1;
        continue;
      }
      const where = `rules/${file} ${rule.alert}`;
      const severity = rule.labels?.severity;
      if (!SEVERITIES.has(severity))
        fail(where, 'label severity must be critical, warning or info');
      if (rule.labels?.service !== 'sentimentops')
        fail(where, 'label service must be sentimentops');
      for (const a of ['summary', 'description', 'runbook_url']) {
        if (!rule.annotations?.[a]) fail(where, `annotation ${a} missing`);
      }
      const runbook = `docs/runbook.md#${rule.alert.toLowerCase()}`;
      if (rule.annotations?.runbook_url !== runbook) fail(where, `runbook_url must be ${runbook}`);
      alerts.set(rule.alert, [
        ...(alerts.get(rule.alert) ?? []),
        { severity, for: rule.for ?? '0s' },
      ]);
    }
  }
}

// Tests: which alerts fire (and with which severity) and which stay silent somewhere.
const fires = new Set();
const silent = new Set();
let cases = 0;
for (const { file, path, doc } of yamlFiles(TESTS)) {
  for (const rf of doc.rule_files ?? []) {
    if (!existsSync(join(dirname(path), rf)))
      fail(`tests/${file}`, `rule file ${rf} does not exist`);
  }
  for (const test of doc.tests ?? []) {
    for (const t of test.alert_rule_test ?? []) {
      cases += 1;
      if (!alerts.has(t.alertname)) fail(`tests/${file} "${test.name}"`, `no alert ${t.alertname}`);
      if (!t.exp_alerts?.length) silent.add(t.alertname);
      for (const e of t.exp_alerts ?? []) fires.add(key(t.alertname, e.exp_labels?.severity));
    }
  }
}
for (const [name, variants] of alerts) {
  if (!silent.has(name)) fail(name, 'no unit test where it stays silent');
  for (const v of variants) {
    if (!fires.has(key(name, v.severity)))
      fail(name, `no unit test where it fires with severity ${v.severity}`);
  }
}

// Grafana's rules: the same names, severities and `for`.
const grafana = new Map();
for (const { doc } of yamlFiles(GRAFANA_ALERTING)) {
  for (const group of doc.groups ?? []) {
    for (const rule of group.rules ?? []) {
      grafana.set(key(rule.title, rule.labels?.severity), rule.for ?? '0s');
    }
  }
}
const prometheus = new Map(
  [...alerts].flatMap(([name, vs]) => vs.map((v) => [key(name, v.severity), v.for])),
);
for (const [k, forP] of prometheus) {
  if (!grafana.has(k)) fail(`grafana alerting`, `no rule for ${k}`);
  else if (seconds(grafana.get(k)) !== seconds(forP)) {
    fail(`grafana alerting`, `${k}: for ${grafana.get(k)} differs from Prometheus' ${forP}`);
  }
}
for (const k of grafana.keys()) {
  if (!prometheus.has(k))
    fail('grafana alerting', `${k} has no Prometheus alert of that name and severity`);
}

if (problems.length) {
  for (const p of problems) console.error(`  FAIL ${p}`);
  console.error(`prometheus rules: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(
  `  ${alerts.size} alerts (${prometheus.size} with their severities), ${records} recording rules: ` +
    `labels, annotations and runbook anchors right; ${cases} alert test cases, each alert fires ` +
    `and stays silent in some; Grafana has the same ${grafana.size} rules`,
);
