import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  deleteIcon,
  launchIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type {
  ISweep,
  ISweepParameter,
  ISweepTrial,
  JSONValue
} from '../../api/types';
import { formatMetric } from '../../experiments/components/run-status';
import { ErrorNote } from '../../shared/components/error-note';
import { KeyValueSection } from '../../shared/components/key-value-table';
import { LoadingOrError } from '../../shared/components/loading-or-error';
import { RefreshButton } from '../../shared/components/refresh-button';
import { baseName } from '../status';
import { JobStatusBadge, JobStatusLabel, formatTime } from './job-status';
import { directionLabel, strategyLabel } from './sweep-fields';
import { SweepProgress, bestText } from './sweeps-list';

/**
 * Properties of the sweep details.
 */
export interface ISweepDetailsProps {
  /**
   * The sweep, or `null` before the first answer.
   */
  sweep: ISweep | null;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * How many trials can be compared (those with an MLflow run, at most the
   * comparison's limit).
   */
  comparable: number;
  /**
   * Open a trial's job run.
   */
  onOpenRun: (runId: string) => void;
  /**
   * Open the Experiments comparison of the trials' MLflow runs.
   */
  onCompare: () => void;
  /**
   * Stop the sweep.
   */
  onStop: () => void;
  /**
   * Delete the sweep (after asking).
   */
  onDelete: () => void;
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
 * Everything about a sweep: its progress and status, strategy and metric,
 * the best trial so far, and its trials.
 */
export function SweepDetails(props: ISweepDetailsProps): JSX.Element {
  const { sweep, error, trans } = props;
  if (sweep === null) {
    return (
      <LoadingOrError
        className="jp-mlx-SweepDetails"
        error={error}
        loading={trans.__('Loading sweep…')}
      />
    );
  }
  const running = sweep.status === 'running';
  return (
    <div
      className="jp-mlx-Details jp-mlx-SweepDetails"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-SweepDetails-header">
        <h2 className="jp-mlx-Details-title" title={sweep.notebook}>
          {sweep.name}
        </h2>
        <JobStatusLabel status={sweep.status} trans={trans} />
        <SweepProgress sweep={sweep} trans={trans} />
        <div className="jp-mlx-JobRunDetails-actions">
          {running ? (
            <Button small onClick={props.onStop}>
              <stopIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('Stop')}
            </Button>
          ) : (
            <Button small onClick={props.onDelete}>
              <deleteIcon.react tag="span" className="jp-mlx-Icon" />
              {trans.__('Delete')}
            </Button>
          )}
          <Button
            small
            disabled={props.comparable < 2}
            onClick={props.onCompare}
            title={trans.__(
              'Compare the MLflow runs of the trials in Experiments'
            )}
          >
            <launchIcon.react tag="span" className="jp-mlx-Icon" />
            {trans.__('Compare trials')}
          </Button>
          <RefreshButton
            label={trans.__('Refresh sweep')}
            refreshing={props.refreshing}
            onRefresh={props.onRefresh}
          />
        </div>
      </header>
      <ErrorNote error={error} />
      <ErrorNote error={sweep.error} />
      <dl className="jp-mlx-Facts">
        <dt>{trans.__('Notebook')}</dt>
        <dd title={sweep.notebook}>{baseName(sweep.notebook)}</dd>
        <dt>{trans.__('Strategy')}</dt>
        <dd>{strategyLabel(sweep.strategy, trans)}</dd>
        <dt>{trans.__('Metric')}</dt>
        <dd>
          {sweep.metric === null
            ? trans.__('none')
            : trans.__(
                '%1 (%2)',
                sweep.metric,
                directionLabel(sweep.direction, trans)
              )}
        </dd>
        <dt>{trans.__('Max concurrent trials')}</dt>
        <dd>{sweep.max_concurrent_runs}</dd>
        <dt>{trans.__('Experiment')}</dt>
        <dd>{sweep.experiment}</dd>
        <dt>{trans.__('Created')}</dt>
        <dd>{formatTime(sweep.created_at)}</dd>
        <dt>{trans.__('Finished')}</dt>
        <dd>{sweep.finished_at ? formatTime(sweep.finished_at) : '–'}</dd>
      </dl>
      <KeyValueSection
        label={trans.__('Swept parameters')}
        keyHeader={trans.__('Name')}
        valueHeader={trans.__('Values')}
        entries={Object.fromEntries(
          Object.entries(sweep.parameters).map(([name, parameter]) => [
            name,
            describeParameter(parameter, trans)
          ])
        )}
        empty={trans.__('None.')}
      />
      <section aria-label={trans.__('Best trial')}>
        <h3>{trans.__('Best trial')}</h3>
        {sweep.best === null ? (
          <p className="jp-mlx-Note">{bestText(sweep, null, trans)}</p>
        ) : (
          <p className="jp-mlx-SweepDetails-best">
            {trans.__(
              'Trial %1: %2 with %3',
              sweep.best.number,
              bestText(sweep, sweep.best.objective, trans),
              formatValues(sweep.best.values)
            )}
          </p>
        )}
      </section>
      <section aria-label={trans.__('Trials')}>
        <h3>{trans.__('Trials')}</h3>
        <SweepTrials
          trials={sweep.trials}
          metric={sweep.metric}
          onOpenRun={props.onOpenRun}
          trans={trans}
        />
      </section>
    </div>
  );
}

/**
 * The values a trial got, as `lr=0.01, layers=[64]`.
 */
function formatValues(values: Record<string, JSONValue>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
}

/**
 * What a swept parameter takes, in words.
 */
function describeParameter(
  parameter: ISweepParameter,
  trans: TranslationBundle
): string {
  if (parameter.values) {
    return parameter.values.map(value => JSON.stringify(value)).join(', ');
  }
  const range = trans.__('%1 to %2', parameter.low, parameter.high);
  const spacing = parameter.step
    ? trans.__('%1, step %2', range, parameter.step)
    : parameter.count
      ? trans.__('%1, %2 points', range, parameter.count)
      : range;
  return parameter.log ? trans.__('%1 (log scale)', spacing) : spacing;
}

/**
 * The trials: number, values, status, objective and a way to the run.
 */
function SweepTrials(props: {
  trials: ReadonlyArray<ISweepTrial>;
  metric: string | null;
  onOpenRun: (runId: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { trials, trans } = props;
  if (trials.length === 0) {
    return (
      <p className="jp-mlx-Note">{trans.__('No trial has started yet.')}</p>
    );
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-SweepTrials"
      aria-label={trans.__('Trials')}
    >
      <thead>
        <tr>
          <th scope="col">{trans.__('Trial')}</th>
          <th scope="col">{trans.__('Values')}</th>
          <th scope="col">{trans.__('Status')}</th>
          <th scope="col">{props.metric ?? trans.__('Objective')}</th>
          <th scope="col">{trans.__('Run')}</th>
        </tr>
      </thead>
      <tbody>
        {trials.map(trial => (
          <tr key={trial.number} data-status={trial.run.status}>
            <th scope="row">{trial.number}</th>
            <td>{formatValues(trial.values)}</td>
            <td>
              <JobStatusBadge run={trial.run} trans={trans} />
              {trial.error && (
                <div className="jp-mlx-SweepTrials-error">{trial.error}</div>
              )}
            </td>
            <td>{formatMetric(trial.objective)}</td>
            <td>
              <button
                type="button"
                className="jp-mlx-LinkButton"
                onClick={() => props.onOpenRun(trial.run.id)}
                aria-label={trans.__('Open the run of trial %1', trial.number)}
              >
                {trans.__('Open run')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
