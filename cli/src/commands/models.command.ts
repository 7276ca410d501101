/**
 * `sentimentops models list|show|lineage|alias|register`: the model registry through the gateway's
 * admin API (`/api/models/{name}/...`, `/api/datasets/{sha256}/lineage`). Every subcommand takes
 * `--model <name>` (default "sentiment") and prints the registry's reply as it came with --json.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, type Session } from '../cli.context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { GatewayError } from '../http/gateway.error.js';
import { DEFAULT_MODEL, ModelsApi } from '../models/models.api.js';
import { MODEL_ALIASES, type ModelAlias, type SetAliasReply } from '../models/models.types.js';
import {
  aliasesTable,
  datasetFields,
  evaluationsSection,
  filesTable,
  lineageSections,
  metricsTable,
  section,
  versionFields,
  versionsTable,
} from '../models/models.view.js';

/**
 * How long `register` waits unless --timeout says otherwise: the registry hashes every file of
 * the model directory, and the gateway itself waits up to GATEWAY_REGISTRY_TIMEOUT_MS (30 s).
 */
export const REGISTER_TIMEOUT_MS = 120_000;

export function register(program: Command, ctx: CliContext): void {
  const models = program
    .command('models')
    .description('registered model versions, their lineage and aliases');

  withModel(models.command('list'))
    .description('list the versions of a model: status, aliases, accuracy')
    .action(
      ctx.action(async (session, command) => {
        const reply = await api(session, command).listVersions();
        session.out.result(reply, ({ versions }) => {
          if (versions.length === 0) return session.out.line(`no versions of ${modelOf(command)}`);
          versionsTable(session.out, versions);
        });
      }),
    );

  withModel(models.command('show'))
    .description('one version: artifact, files, metrics, evaluations and gate decisions')
    .argument('<version>', 'version number, e.g. 3', parseVersion)
    .action(
      ctx.action(async (session, command) => {
        const [version] = command.processedArgs as [string];
        const { out } = session;
        const detail = await api(session, command).getVersion(version);
        out.result(detail, (v) => {
          out.line(out.colors.bold(`${v.modelName ?? modelOf(command)} v${v.version}`));
          versionFields(out, v);
          section(out, 'files');
          filesTable(out, v.files);
          section(out, 'metrics');
          metricsTable(out, v.metrics);
          section(out, 'evaluations');
          evaluationsSection(out, v.evaluations);
        });
      }),
    );

  withModel(models.command('lineage'))
    .description("a version's dataset, run, evaluations and history; or a dataset's versions")
    .argument('[version]', 'version number, e.g. 3', parseVersion)
    .option('--dataset <sha256>', 'instead: the dataset and every version trained on it', parseSha)
    .action(
      ctx.action(async (session, command) => {
        const [version] = command.processedArgs as [string | undefined];
        const { dataset } = command.opts<{ dataset?: string }>();
        const { out } = session;
        if ((version === undefined) === (dataset === undefined)) {
          throw new CliError('give a version, or --dataset <sha256>, not both', ExitCode.Usage);
        }
        if (dataset !== undefined) {
          const reply = await api(session, command).datasetLineage(dataset);
          out.result(reply, (r) => {
            out.line(out.colors.bold(`dataset ${dataset}`));
            datasetFields(out, r.dataset);
            section(out, 'versions trained on it');
            if (r.versions.length === 0) out.line('none');
            else versionsTable(out, r.versions, { withModel: true });
          });
          return;
        }
        const lineage = await api(session, command).versionLineage(version!);
        out.result(lineage, (l) => lineageSections(out, l));
      }),
    );

  withModel(models.command('alias'))
    .description('list the aliases, or point one at a version (or --remove it)')
    .argument('[alias]', MODEL_ALIASES.join(' | '), parseAlias)
    .argument('[version]', 'version number to point it at', parseVersion)
    .option('--reason <text>', 'why (required to change an alias; kept in the audit trail)')
    .option('--override', 'move champion outside the rollout flow')
    .option('--remove', 'remove the alias instead of setting it (challenger only)')
    .action(ctx.action((session, command) => aliasAction(session, command)));

  withModel(models.command('register'))
    .description('register a model directory (file:// or gs://) as a new version')
    .argument('<artifactUri>', 'the directory holding model-card.json and the files it lists')
    .option('--job-id <id>', 'the training Job that produced it')
    .option('--validation-report <uri>', 'the data validation report of its dataset')
    .option('--dataset-uri <uri>', 'where its dataset snapshot lives')
    .action(
      ctx.action(async (session, command) => {
        const [artifactUri] = command.processedArgs as [string];
        const opts = command.opts<{
          jobId?: string;
          validationReport?: string;
          datasetUri?: string;
        }>();
        const explicitTimeout = command.getOptionValueSourceWithGlobals('timeout') !== 'default';
        const reply = await api(session, command).register(
          {
            artifactUri,
            ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
            ...(opts.validationReport !== undefined
              ? { validationReportUri: opts.validationReport }
              : {}),
            ...(opts.datasetUri !== undefined ? { datasetUri: opts.datasetUri } : {}),
          },
          explicitTimeout ? undefined : REGISTER_TIMEOUT_MS,
        );
        const { out } = session;
        out.result(reply, ({ version: v, created }) => {
          out.line(
            created
              ? out.colors.green(`registered ${v.modelName} v${v.version}`)
              : `already registered as v${v.version}`,
          );
          versionFields(out, v);
        });
      }),
    );
}

/**
 * Reads the alias first and sends its revision back as `expectedRevision`: if someone else moves
 * it in between, the registry answers 409 instead of silently overwriting their change.
 */
async function aliasAction(session: Session, command: Command): Promise<void> {
  const [alias, version] = command.processedArgs as [ModelAlias | undefined, string | undefined];
  const opts = command.opts<{ reason?: string; override?: boolean; remove?: boolean }>();
  const modelsApi = api(session, command);
  const { out } = session;

  if (alias === undefined) {
    if (opts.reason !== undefined || opts.override || opts.remove)
      throw new CliError(
        'name the alias to change, e.g. `models alias challenger 4`',
        ExitCode.Usage,
      );
    const reply = await modelsApi.listAliases();
    return out.result(reply, ({ aliases }) => aliasesTable(out, aliases));
  }
  if ((version === undefined) !== (opts.remove === true))
    throw new CliError(
      `give the version to point ${alias} at, or --remove, not both`,
      ExitCode.Usage,
    );
  if (opts.reason === undefined || opts.reason.trim().length < 3)
    throw new CliError('say why with --reason "..." (at least 3 characters)', ExitCode.Usage);

  const current = (await modelsApi.listAliases()).aliases.find((a) => a.alias === alias);
  if (!current || typeof current.revision !== 'number') {
    throw new GatewayError(
      `the gateway did not list alias "${alias}" with its revision`,
      'protocol',
    );
  }
  let reply: SetAliasReply;
  try {
    reply = await modelsApi.setAlias(alias, {
      version: version ?? null,
      reason: opts.reason,
      ...(opts.override ? { override: true } : {}),
      expectedRevision: current.revision,
    });
  } catch (error) {
    if (error instanceof GatewayError && error.status === 409) {
      throw new GatewayError(
        `${error.message}\n${alias} was not changed: someone else changed it after it was read ` +
          `at revision ${current.revision}. Run \`sentimentops models alias\` to see it now, ` +
          'then decide again.',
        'http',
        409,
        error.errorId,
      );
    }
    throw error;
  }
  out.result(reply, (r) => {
    const to = r.alias.version ? `v${r.alias.version}` : '(none)';
    const from = r.previousVersion ? `v${r.previousVersion}` : '(none)';
    out.line(`${r.alias.alias}: ${from} -> ${to} (revision ${r.alias.revision})`);
    if (r.gate) {
      section(out, 'promotion gate');
      evaluationsSection(out, [r.gate]);
    }
  });
}

function withModel(command: Command): Command {
  return command.option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL);
}

function modelOf(command: Command): string {
  return command.opts<{ model: string }>().model;
}

function api({ client }: Session, command: Command): ModelsApi {
  return new ModelsApi(client, modelOf(command));
}

// Checked here as the gateway checks them, so a typo is a usage error (exit 2), not a round trip.

function parseModelName(value: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(value))
    throw new InvalidArgumentError('expected a model name such as "sentiment"');
  return value;
}

function parseVersion(value: string): string {
  const version = value.replace(/^v/, '');
  if (!/^[1-9][0-9]{0,9}$/.test(version))
    throw new InvalidArgumentError('expected a version number such as 3 (or v3)');
  return version;
}

function parseAlias(value: string): ModelAlias {
  if (!(MODEL_ALIASES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${MODEL_ALIASES.join(', ')}`);
  return value as ModelAlias;
}

function parseSha(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value))
    throw new InvalidArgumentError('expected a dataset sha256 (64 lowercase hex characters)');
  return value;
}
