import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  fileIcon,
  folderIcon,
  launchIcon,
  linkIcon,
  notebookIcon,
  redoIcon
} from '@jupyterlab/ui-components';
import React, { useMemo } from 'react';

import type {
  IArtifactEntry,
  IDescribeRun,
  IJobRun,
  IMetricSeries,
  IRunInput
} from '../../api/types';
import { JobStatusBadge } from '../../jobs/components/job-status';
import { metricChartOption } from '../../shared/charts/options';
import type { IChartColors } from '../../shared/charts/theme';
import { EChart } from '../../shared/components/chart';
import { ErrorNote } from '../../shared/components/error-note';
import {
  KeyValueSection,
  KeyValueTable
} from '../../shared/components/key-value-table';
import { RefreshButton } from '../../shared/components/refresh-button';
import { ShortHash } from '../../shared/components/short-hash';
import { type IRunModelsProps, RunModels } from './run-models';
import { RunDuration, RunStatusBadge, formatMetric } from './run-status';
import { LoadingOrError } from '../../shared/components/loading-or-error';

/**
 * Tags MLflow and jupyter-mlx set, left out of the tags table (the header
 * shows what they say).
 */
const SYSTEM_TAG = /^(mlflow\.|mlx\.)/;

/**
 * Properties of the run details.
 */
export interface IRunDetailsProps {
  /**
   * The run, or `null` before the first answer.
   */
  run: IDescribeRun | null;
  /**
   * The history of each metric.
   */
  metrics: ReadonlyArray<IMetricSeries>;
  /**
   * The artifact folder shown (`''` for the root) and its entries.
   */
  artifactFolder: string;
  artifacts: ReadonlyArray<IArtifactEntry>;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * Chart colours of the theme.
   */
  colors: IChartColors;
  /**
   * Open the run's notebook.
   */
  onOpenNotebook: (path: string) => void;
  /**
   * Show an artifact folder.
   */
  onBrowse: (path: string) => void;
  /**
   * Open an artifact file; `asNotebook` renders a notebook.
   */
  onOpenArtifact: (path: string, asNotebook: boolean) => void;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * The run's reproduction started from this view; absent when the view
   * offers none.
   */
  reproduction?: IRunReproductionProps;
  /**
   * The run's models, each with a Promote… button; absent when the view
   * offers none.
   */
  models?: IRunModelsProps;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * What the run view shows of the run's reproduction, and its actions.
 */
export interface IRunReproductionProps {
  /**
   * Whether the request to reproduce is in flight.
   */
  submitting: boolean;
  /**
   * Why the server refused to reproduce the run, or `null`.
   */
  failure: string | null;
  /**
   * The reproduction's job run as last read, or `null` before one started.
   */
  jobRun: IJobRun | null;
  /**
   * What may differ from the original, as the server said.
   */
  warnings: ReadonlyArray<string>;
  /**
   * The two MLflow runs to compare once the reproduction succeeded, or
   * `null`.
   */
  comparison: ReadonlyArray<string> | null;
  /**
   * Reproduce the run.
   */
  onReproduce: () => void;
  /**
   * Open the reproduction's job run.
   */
  onOpenJobRun: (jobRunId: string) => void;
  /**
   * Compare the original with its reproduction.
   */
  onCompare: (runIds: ReadonlyArray<string>) => void;
}

/**
 * Everything about one run: header (with Reproduce), params, metric charts,
 * tags, artifacts, notebook snapshot (with the server's warning when it
 * cannot be fully trusted), environment and data inputs.
 */
export function RunDetails(props: IRunDetailsProps): JSX.Element {
  const { run, error, trans } = props;
  if (run === null) {
    return (
      <LoadingOrError
        className="jp-mlx-RunDetails"
        error={error}
        loading={trans.__('Loading run…')}
      />
    );
  }
  const name = run.run_name || run.run_id;
  const userTags = Object.fromEntries(
    Object.entries(run.tags).filter(([key]) => !SYSTEM_TAG.test(key))
  );
  return (
    <div
      className="jp-mlx-Details jp-mlx-RunDetails"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-RunDetails-header">
        <h2 className="jp-mlx-Details-title jp-mlx-RunDetails-title">{name}</h2>
        <RunStatusBadge status={run.status} trans={trans} />
        <RunDuration
          start={run.start_time}
          end={run.end_time}
          status={run.status}
        />
        {props.reproduction && (
          <Button
            small
            className="jp-mlx-RunDetails-reproduce"
            disabled={props.reproduction.submitting}
            title={trans.__(
              'Run it again as it ran: its environment from the recorded lock, its notebook snapshot and parameters, as a job run'
            )}
            onClick={props.reproduction.onReproduce}
          >
            <redoIcon.react tag="span" className="jp-mlx-Icon" />
            {props.reproduction.submitting
              ? trans.__('Reproducing…')
              : trans.__('Reproduce')}
          </Button>
        )}
        <RefreshButton
          label={trans.__('Refresh run')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </header>
      {props.reproduction && (
        <ReproductionNote {...props.reproduction} trans={trans} />
      )}
      <dl className="jp-mlx-Facts jp-mlx-RunDetails-facts">
        <dt>{trans.__('Run ID')}</dt>
        <dd>{run.run_id}</dd>
        <dt>{trans.__('Notebook')}</dt>
        <dd>
          {run.notebook ? (
            <button
              type="button"
              className="jp-mlx-LinkButton jp-mlx-RunDetails-link"
              onClick={() => props.onOpenNotebook(run.notebook!)}
              title={trans.__('Open notebook %1', run.notebook)}
            >
              {run.notebook}
            </button>
          ) : (
            trans.__('not recorded')
          )}
        </dd>
        <dt>{trans.__('Started')}</dt>
        <dd>
          {run.start_time === null
            ? '–'
            : new Date(run.start_time).toLocaleString()}
        </dd>
        <dt>{trans.__('Environment')}</dt>
        <dd>
          {run.environment
            ? trans.__(
                '%1 (lock sha256 %2)',
                run.environment.name,
                run.environment.lock_sha256 ?? trans.__('not recorded')
              )
            : trans.__('not recorded')}
        </dd>
        {run.job && (
          <>
            <dt>{trans.__('Job')}</dt>
            <dd>
              {run.job.job_run_id
                ? trans.__('%1 (run %2)', run.job.job_id, run.job.job_run_id)
                : run.job.job_id}
            </dd>
          </>
        )}
        <dt>{trans.__('Notebook snapshot')}</dt>
        <dd>
          {run.notebook_snapshot ? (
            <Button
              small
              onClick={() => props.onOpenArtifact(run.notebook_snapshot!, true)}
            >
              <notebookIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('Open snapshot')}
            </Button>
          ) : (
            trans.__('not recorded')
          )}
          {run.snapshot_warning && (
            <p
              className="jp-mlx-RunDetails-warning"
              role="note"
              aria-label={trans.__('Snapshot warning')}
            >
              {trans.__('Warning: %1', run.snapshot_warning)}
            </p>
          )}
        </dd>
      </dl>
      <ErrorNote error={error} className="jp-mlx-RunDetails-error" />
      <KeyValueSection
        label={trans.__('Parameters')}
        keyHeader={trans.__('Name')}
        valueHeader={trans.__('Value')}
        entries={run.params}
        empty={trans.__('No parameters logged.')}
      />
      <section aria-label={trans.__('Metrics')}>
        <h3>{trans.__('Metrics')}</h3>
        <MetricCharts
          runId={run.run_id}
          name={name}
          metrics={props.metrics}
          latest={run.metrics}
          colors={props.colors}
          trans={trans}
        />
      </section>
      {props.models && <RunModels {...props.models} trans={trans} />}
      <KeyValueSection
        label={trans.__('Tags')}
        keyHeader={trans.__('Name')}
        valueHeader={trans.__('Value')}
        entries={userTags}
        empty={trans.__('No tags besides those MLflow sets.')}
      />
      <section aria-label={trans.__('Data inputs')}>
        <h3>{trans.__('Data inputs')}</h3>
        <DataInputs inputs={run.inputs} trans={trans} />
      </section>
      <section aria-label={trans.__('Artifacts')}>
        <h3>{trans.__('Artifacts')}</h3>
        <ArtifactBrowser
          folder={props.artifactFolder}
          entries={props.artifacts}
          onBrowse={props.onBrowse}
          onOpen={props.onOpenArtifact}
          trans={trans}
        />
      </section>
    </div>
  );
}

/**
 * The reproduction started from the view: why the server refused it, or its
 * job run with what may differ, and the comparison once it succeeded.
 */
function ReproductionNote(
  props: IRunReproductionProps & { trans: TranslationBundle }
): JSX.Element | null {
  const { failure, jobRun, warnings, comparison, trans } = props;
  if (failure !== null) {
    return (
      <div
        className="jp-mlx-ErrorNote jp-mlx-RunDetails-reproduceError"
        role="alert"
      >
        {trans.__('Cannot reproduce this run: %1', failure)}
      </div>
    );
  }
  if (jobRun === null) {
    return null;
  }
  return (
    <section
      className="jp-mlx-RunDetails-reproduction"
      aria-label={trans.__('Reproduction')}
    >
      <div className="jp-mlx-RunDetails-reproductionHeader">
        <span>{trans.__('Reproduction')}</span>
        <JobStatusBadge run={jobRun} trans={trans} />
        <button
          type="button"
          className="jp-mlx-LinkButton"
          onClick={() => props.onOpenJobRun(jobRun.id)}
          title={trans.__('Open job run %1', jobRun.id)}
        >
          {trans.__('Open job run')}
        </button>
        {comparison !== null && (
          <Button
            small
            className="jp-mlx-RunDetails-compare"
            onClick={() => props.onCompare(comparison)}
          >
            <launchIcon.react tag="span" className="jp-mlx-Icon" />
            {trans.__('Compare with original')}
          </Button>
        )}
      </div>
      {warnings.length > 0 && (
        <ul
          className="jp-mlx-RunDetails-reproductionWarnings"
          aria-label={trans.__('Reproduction warnings')}
        >
          {warnings.map(warning => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The data a run declared as input: path, kind and content hash (its first
 * digits, the whole hash in the tooltip).
 */
function DataInputs(props: {
  inputs: ReadonlyArray<IRunInput>;
  trans: TranslationBundle;
}): JSX.Element {
  const { inputs, trans } = props;
  if (inputs.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-RunDetails-empty">
        {trans.__('No data inputs declared.')}
      </p>
    );
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-RunInputs"
      aria-label={trans.__('Data inputs')}
    >
      <thead>
        <tr>
          <th scope="col">{trans.__('Path')}</th>
          <th scope="col">{trans.__('Kind')}</th>
          <th scope="col">{trans.__('sha256')}</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map(input => (
          <tr key={input.path} data-kind={input.kind}>
            <th scope="row">
              <code>{input.path}</code>
            </th>
            <td>
              {input.kind === 'folder' ? trans.__('folder') : trans.__('file')}
            </td>
            <td>
              <ShortHash hash={input.sha256} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One chart per metric with a history; metrics logged once show as values.
 */
function MetricCharts(props: {
  runId: string;
  name: string;
  metrics: ReadonlyArray<IMetricSeries>;
  latest: Record<string, number | null>;
  colors: IChartColors;
  trans: TranslationBundle;
}): JSX.Element {
  const { runId, name, metrics, latest, colors, trans } = props;
  const histories = metrics.filter(series => series.steps.length > 1);
  const singles = Object.keys(latest)
    .filter(key => !histories.some(series => series.key === key))
    .sort();
  const options = useMemo(
    () =>
      histories.map(series => ({
        key: series.key,
        option: metricChartOption(
          series,
          [{ id: runId, name }],
          colors,
          trans.__('step')
        )
      })),
    [metrics, colors, runId, name]
  );
  if (histories.length === 0 && singles.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-RunDetails-empty">
        {trans.__('No metrics logged.')}
      </p>
    );
  }
  return (
    <>
      {singles.length > 0 && (
        <KeyValueTable
          label={trans.__('Final metrics')}
          keyHeader={trans.__('Metric')}
          valueHeader={trans.__('Value')}
          entries={Object.fromEntries(
            singles.map(key => [key, formatMetric(latest[key])])
          )}
          empty=""
        />
      )}
      <div className="jp-mlx-ChartGrid">
        {options.map(({ key, option }) => (
          <EChart
            key={key}
            option={option}
            label={trans.__('History of metric %1', key)}
          />
        ))}
      </div>
    </>
  );
}

/**
 * Last segment of an artifact path.
 */
function baseName(path: string): string {
  return path.split('/').pop() || path;
}

/**
 * A file size in B, KB, MB or GB.
 */
export function formatSize(bytes: number | null): string {
  if (bytes === null) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

/**
 * The entries of one artifact folder, with a way up; files open in a viewer.
 * A link out of the run's artifacts is listed as such and cannot be opened.
 */
function ArtifactBrowser(props: {
  folder: string;
  entries: ReadonlyArray<IArtifactEntry>;
  onBrowse: (path: string) => void;
  onOpen: (path: string, asNotebook: boolean) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { folder, entries, onBrowse, onOpen, trans } = props;
  const parent = folder.includes('/')
    ? folder.slice(0, folder.lastIndexOf('/'))
    : '';
  return (
    <div className="jp-mlx-ArtifactBrowser">
      <div className="jp-mlx-ArtifactBrowser-path">
        {folder ? trans.__('Folder %1', folder) : trans.__('Artifact root')}
      </div>
      <ul
        className="jp-mlx-ArtifactBrowser-list"
        aria-label={trans.__('Artifacts')}
      >
        {folder !== '' && (
          <li>
            <button
              type="button"
              className="jp-mlx-ArtifactBrowser-entry"
              onClick={() => onBrowse(parent)}
            >
              <folderIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('.. (up)')}
            </button>
          </li>
        )}
        {entries.map(entry => (
          <li key={entry.path}>
            {entry.is_link ? (
              <button
                type="button"
                className="jp-mlx-ArtifactBrowser-entry jp-mod-link"
                title={trans.__(
                  '%1 links out of the run’s artifacts and cannot be opened',
                  entry.path
                )}
                disabled
              >
                <linkIcon.react tag="span" className="jp-mlx-Icon" />
                <span className="jp-mlx-ArtifactBrowser-name">
                  {baseName(entry.path)}
                </span>
                <span className="jp-mlx-ArtifactBrowser-size">
                  {trans.__('link')}
                </span>
              </button>
            ) : (
              <button
                type="button"
                className="jp-mlx-ArtifactBrowser-entry"
                title={entry.path}
                onClick={() =>
                  entry.is_dir
                    ? onBrowse(entry.path)
                    : onOpen(entry.path, entry.path.endsWith('.ipynb'))
                }
              >
                {entry.is_dir ? (
                  <folderIcon.react tag="span" className="jp-mlx-Icon" />
                ) : (
                  <fileIcon.react tag="span" className="jp-mlx-Icon" />
                )}
                <span className="jp-mlx-ArtifactBrowser-name">
                  {baseName(entry.path)}
                </span>
                <span className="jp-mlx-ArtifactBrowser-size">
                  {formatSize(entry.file_size)}
                </span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {entries.length === 0 && (
        <p className="jp-mlx-Note jp-mlx-RunDetails-empty">
          {trans.__('No artifacts in this folder.')}
        </p>
      )}
    </div>
  );
}
