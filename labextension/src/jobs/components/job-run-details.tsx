import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  downloadIcon,
  launchIcon,
  notebookIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type {
  IJobAttempt,
  IJobRun,
  IJobRunError,
  JSONValue
} from '../../api/types';
import { formatDuration } from '../../shared/time';
import { ErrorNote } from '../../shared/components/error-note';
import { FollowedLog } from '../../shared/components/followed-log';
import { KeyValueSection } from '../../shared/components/key-value-table';
import { RefreshButton } from '../../shared/components/refresh-button';
import { ShortHash } from '../../shared/components/short-hash';
import { baseName, isActiveJobStatus, parseTime } from '../status';
import {
  JobDuration,
  JobStatusBadge,
  formatTime,
  jobStatusLabel,
  triggerLabel
} from './job-status';
import { LoadingOrError } from '../../shared/components/loading-or-error';

/**
 * Properties of the job run details.
 */
export interface IJobRunDetailsProps {
  /**
   * The run, or `null` before the first answer.
   */
  run: IJobRun | null;
  /**
   * The log read so far.
   */
  log: string;
  /**
   * Whether the whole log was read.
   */
  logComplete: boolean;
  /**
   * Whether the beginning of the log was dropped.
   */
  logTruncated: boolean;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * Whether the Experiments view can open MLflow runs.
   */
  canOpenMLflowRun: boolean;
  /**
   * The download URL of the output notebook.
   */
  downloadUrl: string;
  /**
   * Open the run's notebook (the current file).
   */
  onOpenNotebook: (path: string) => void;
  /**
   * Open the output notebook, scrolled to a cell (`null`: the top).
   */
  onOpenOutput: (cellIndex: number | null) => void;
  /**
   * Open the MLflow run in the Experiments view.
   */
  onOpenMLflowRun: (runId: string) => void;
  /**
   * Open the sweep the run is a trial of.
   */
  onOpenSweep: (sweepId: string) => void;
  /**
   * Stop the run.
   */
  onStop: () => void;
  /**
   * Run again with the same parameters.
   */
  onRerun: () => void;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Everything about one job run: header with actions, facts, the error of a
 * failed run, parameters, attempts and the live log.
 */
export function JobRunDetails(props: IJobRunDetailsProps): JSX.Element {
  const { run, error, trans } = props;
  if (run === null) {
    return (
      <LoadingOrError
        className="jp-mlx-JobRunDetails"
        error={error}
        loading={trans.__('Loading job run…')}
      />
    );
  }
  const active = isActiveJobStatus(run.status);
  const hasOutput = run.output_path !== null;
  return (
    <div
      className="jp-mlx-Details jp-mlx-JobRunDetails"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-JobRunDetails-header">
        <h2
          className="jp-mlx-Details-title jp-mlx-JobRunDetails-title"
          title={run.notebook}
        >
          {baseName(run.notebook)}
        </h2>
        <JobStatusBadge run={run} trans={trans} />
        <JobDuration run={run} />
        <div className="jp-mlx-JobRunDetails-actions">
          {active && (
            <Button small onClick={props.onStop}>
              <stopIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('Stop')}
            </Button>
          )}
          <Button small onClick={props.onRerun}>
            <runIcon.react tag="span" className="jp-mlx-Icon" />
            {trans.__('Re-run')}
          </Button>
          <RefreshButton
            label={trans.__('Refresh job run')}
            refreshing={props.refreshing}
            onRefresh={props.onRefresh}
          />
        </div>
      </header>
      <ErrorNote error={error} className="jp-mlx-JobRunDetails-error" />
      <dl className="jp-mlx-Facts jp-mlx-JobRunDetails-facts">
        <dt>{trans.__('Notebook')}</dt>
        <dd>
          <button
            type="button"
            className="jp-mlx-LinkButton jp-mlx-JobRunDetails-link"
            onClick={() => props.onOpenNotebook(run.notebook)}
            title={trans.__('Open notebook %1', run.notebook)}
          >
            {run.notebook}
          </button>
        </dd>
        <dt>{trans.__('Job run ID')}</dt>
        <dd>{run.id}</dd>
        <dt>{trans.__('Trigger')}</dt>
        <dd>
          {run.scheduled_for
            ? trans.__(
                '%1, for %2',
                triggerLabel(run.trigger, trans),
                formatTime(run.scheduled_for)
              )
            : triggerLabel(run.trigger, trans)}
        </dd>
        {run.sweep_id && (
          <>
            <dt>{trans.__('Sweep')}</dt>
            <dd>
              <button
                type="button"
                className="jp-mlx-LinkButton jp-mlx-JobRunDetails-link"
                onClick={() => props.onOpenSweep(run.sweep_id!)}
                title={trans.__('Open sweep %1', run.sweep_id)}
              >
                {trans.__('Open sweep')}
              </button>
            </dd>
          </>
        )}
        <dt>{trans.__('Kernel')}</dt>
        <dd>{run.kernel}</dd>
        {run.environment && (
          <>
            <dt>{trans.__('Environment')}</dt>
            <dd className="jp-mlx-JobRunDetails-environment">
              <span className="jp-mlx-JobRunDetails-environmentName">
                {run.environment}
              </span>
              {run.environment_lock_sha256 && (
                <span
                  className="jp-mlx-JobRunDetails-lock"
                  aria-label={trans.__(
                    'Lock sha256 %1',
                    run.environment_lock_sha256
                  )}
                >
                  {trans.__('lock')}{' '}
                  <ShortHash hash={run.environment_lock_sha256} />
                </span>
              )}
            </dd>
          </>
        )}
        {run.inputs.length > 0 && (
          <>
            <dt>{trans.__('Inputs')}</dt>
            <dd>
              <JobInputs inputs={run.inputs} trans={trans} />
            </dd>
          </>
        )}
        <dt>{trans.__('Experiment')}</dt>
        <dd>{run.experiment}</dd>
        <dt>{trans.__('MLflow run')}</dt>
        <dd>
          {run.mlflow_run_id ? (
            <Button
              small
              className="jp-mlx-JobRunDetails-mlflow"
              disabled={!props.canOpenMLflowRun}
              onClick={() => props.onOpenMLflowRun(run.mlflow_run_id!)}
              title={trans.__('Open MLflow run %1', run.mlflow_run_id)}
            >
              <launchIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('Open in Experiments')}
            </Button>
          ) : (
            trans.__('not tracked yet')
          )}
        </dd>
        <dt>{trans.__('Created')}</dt>
        <dd>{formatTime(run.created_at)}</dd>
        <dt>{trans.__('Finished')}</dt>
        <dd>{run.finished_at ? formatTime(run.finished_at) : '–'}</dd>
        <dt>{trans.__('Timeout')}</dt>
        <dd>
          {run.timeout === null
            ? trans.__('none')
            : formatDuration(run.timeout * 1000)}
        </dd>
        <dt>{trans.__('Retries')}</dt>
        <dd>
          {run.retries === 0
            ? trans.__('none')
            : trans._n(
                '%1 retry, first after %2',
                '%1 retries, first after %2',
                run.retries,
                formatDuration(run.retry_backoff * 1000)
              )}
        </dd>
        {run.webhook && (
          <>
            <dt>{trans.__('Webhook')}</dt>
            <dd className="jp-mlx-JobRunDetails-webhook">
              {run.webhook.delivered
                ? trans.__(
                    'Told %1 of its %2 at %3',
                    run.webhook.url,
                    run.webhook.event,
                    formatTime(run.webhook.at)
                  )
                : trans.__(
                    'Could not tell %1 of its %2: %3',
                    run.webhook.url,
                    run.webhook.event,
                    run.webhook.error ??
                      trans.__('HTTP %1', run.webhook.status_code ?? '–')
                  )}
            </dd>
          </>
        )}
        <dt>{trans.__('Output')}</dt>
        <dd className="jp-mlx-JobRunDetails-output">
          {hasOutput ? (
            <>
              <Button
                small
                className="jp-mlx-JobRunDetails-openOutput"
                onClick={() => props.onOpenOutput(null)}
              >
                <notebookIcon.react tag="span" className="jp-mlx-Icon" />
                {trans.__('Open output')}
              </Button>
              <a
                className="jp-mlx-JobRunDetails-download"
                href={props.downloadUrl}
                download={baseName(run.output_path!)}
              >
                <downloadIcon.react tag="span" className="jp-mlx-Icon" />
                {trans.__('Download .ipynb')}
              </a>
            </>
          ) : active ? (
            trans.__('written when the run ends')
          ) : (
            trans.__('none')
          )}
        </dd>
      </dl>
      {run.error && !active && (
        <JobErrorSummary
          error={run.error}
          canOpenOutput={hasOutput}
          onOpenOutput={props.onOpenOutput}
          trans={trans}
        />
      )}
      <JobParameters
        parameters={run.parameters}
        empty={trans.__('None given: the notebook’s defaults applied.')}
        trans={trans}
      />
      <section aria-label={trans.__('Attempts')}>
        <h3>{trans.__('Attempts')}</h3>
        <JobAttempts attempts={run.attempts} trans={trans} />
      </section>
      <section aria-label={trans.__('Log')}>
        <h3>{trans.__('Log')}</h3>
        <JobLog
          log={props.log}
          complete={props.logComplete}
          truncated={props.logTruncated}
          active={active}
          trans={trans}
        />
      </section>
    </div>
  );
}

/**
 * The parameters a run or definition gets, as JSON by name.
 */
export function JobParameters(props: {
  /**
   * The values by name.
   */
  parameters: Record<string, JSONValue>;
  /**
   * Shown when there is none.
   */
  empty: string;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <KeyValueSection
      label={trans.__('Parameters')}
      keyHeader={trans.__('Name')}
      valueHeader={trans.__('Value')}
      entries={Object.fromEntries(
        Object.entries(props.parameters).map(([key, value]) => [
          key,
          JSON.stringify(value)
        ])
      )}
      empty={props.empty}
    />
  );
}

/**
 * The data inputs a run or definition declares: files or folders relative
 * to the server root.
 */
export function JobInputs(props: {
  /**
   * The paths.
   */
  inputs: ReadonlyArray<string>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <ul className="jp-mlx-JobInputs" aria-label={props.trans.__('Inputs')}>
      {props.inputs.map(path => (
        <li key={path}>
          <code>{path}</code>
        </li>
      ))}
    </ul>
  );
}

/**
 * Properties of an error summary.
 */
export interface IJobErrorSummaryProps {
  /**
   * Why the run did not succeed.
   */
  error: IJobRunError;
  /**
   * Whether the output notebook can be opened.
   */
  canOpenOutput: boolean;
  /**
   * Open the output notebook at a cell.
   */
  onOpenOutput: (cellIndex: number | null) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Why a run failed: the message, the failing cell, the exception and its
 * traceback, and a way to the failing cell in the output notebook.
 */
export function JobErrorSummary(props: IJobErrorSummaryProps): JSX.Element {
  const { error, trans } = props;
  const exception = [error.ename, error.evalue].filter(Boolean).join(': ');
  return (
    <section
      className="jp-mlx-JobError"
      aria-label={trans.__('Error')}
      data-cell-index={error.cell_index ?? undefined}
    >
      <h3>{trans.__('Error')}</h3>
      <p className="jp-mlx-JobError-message">{error.message}</p>
      {error.cell_index !== null && (
        <p className="jp-mlx-JobError-cell">
          {error.execution_count !== null
            ? trans.__(
                'At cell index %1 of the output notebook (execution count %2)',
                error.cell_index,
                error.execution_count
              )
            : trans.__(
                'At cell index %1 of the output notebook',
                error.cell_index
              )}
        </p>
      )}
      {exception && <p className="jp-mlx-JobError-exception">{exception}</p>}
      {error.traceback.length > 0 && (
        <pre
          className="jp-mlx-JobError-traceback"
          aria-label={trans.__('Traceback')}
        >
          {error.traceback.join('\n')}
        </pre>
      )}
      {props.canOpenOutput && error.cell_index !== null && (
        <Button
          small
          className="jp-mlx-JobError-openCell"
          onClick={() => props.onOpenOutput(error.cell_index)}
        >
          <notebookIcon.react tag="span" className="jp-mlx-Icon" />
          {trans.__('Open output at failing cell')}
        </Button>
      )}
    </section>
  );
}

/**
 * The attempts of a run: status, kernel (and whether it was started ahead),
 * timings and error.
 */
function JobAttempts(props: {
  attempts: ReadonlyArray<IJobAttempt>;
  trans: TranslationBundle;
}): JSX.Element {
  const { attempts, trans } = props;
  if (attempts.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-JobRunDetails-empty">
        {trans.__('No attempt has started yet.')}
      </p>
    );
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-JobAttempts"
      aria-label={trans.__('Attempts')}
    >
      <thead>
        <tr>
          <th scope="col">{trans.__('Attempt')}</th>
          <th scope="col">{trans.__('Status')}</th>
          <th scope="col">{trans.__('Kernel')}</th>
          <th scope="col">{trans.__('Started')}</th>
          <th scope="col">{trans.__('Duration')}</th>
          <th scope="col">{trans.__('Error')}</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map(attempt => {
          const start = parseTime(attempt.started_at);
          const end = parseTime(attempt.finished_at);
          return (
            <tr key={attempt.number} data-status={attempt.status}>
              <th scope="row">{attempt.number}</th>
              <td>{jobStatusLabel(attempt.status, trans)}</td>
              <td>
                {attempt.warm_kernel
                  ? trans.__('%1 (started ahead)', attempt.kernel)
                  : attempt.kernel}
              </td>
              <td>{formatTime(attempt.started_at)}</td>
              <td>
                {start !== null && end !== null
                  ? formatDuration(Math.max(0, end - start))
                  : '–'}
              </td>
              <td>{attempt.error?.message ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The run's log, following new output while scrolled to its end.
 */
function JobLog(props: {
  log: string;
  complete: boolean;
  truncated: boolean;
  active: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { complete, active, trans } = props;
  return (
    <FollowedLog
      log={props.log}
      placeholder={
        active
          ? trans.__('Waiting for output…')
          : complete
            ? trans.__('The run wrote no log.')
            : ''
      }
      complete={complete}
      truncated={props.truncated}
      label={trans.__('Log')}
      className="jp-mlx-JobLog"
      noteClassName="jp-mlx-JobLog-note"
      trans={trans}
    />
  );
}
