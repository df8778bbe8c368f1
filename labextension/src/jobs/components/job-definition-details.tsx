import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo, useState } from 'react';

import type {
  ICompareRunsResponse,
  IJobDefinition,
  IJobRun
} from '../../api/types';
import { metricOverRunsOption } from '../../shared/charts/options';
import type { IChartColors } from '../../shared/charts/theme';
import { EChart } from '../../shared/components/chart';
import { ErrorNote } from '../../shared/components/error-note';
import { LoadingOrError } from '../../shared/components/loading-or-error';
import { RefreshButton } from '../../shared/components/refresh-button';
import { formatDuration } from '../../shared/time';
import { formatFireTime } from '../schedule';
import {
  ActiveBadge,
  type IJobDefinitionActions,
  JobDefinitionButtons,
  NextFire,
  scheduleText
} from './job-definitions-list';
import { JobInputs, JobParameters } from './job-run-details';
import { JobRunStrip } from './job-run-strip';
import { formatTime } from './job-status';
import { catchupLabel } from './schedule-fields';
import { directionLabel, strategyLabel } from './sweep-fields';

/**
 * Properties of the job definition details.
 */
export interface IJobDefinitionDetailsProps extends IJobDefinitionActions {
  /**
   * The definition, or `null` before the first answer.
   */
  definition: IJobDefinition | null;
  /**
   * Its most recent runs, oldest first.
   */
  recentRuns: ReadonlyArray<IJobRun>;
  /**
   * The metrics of its runs' MLflow runs, or `null`.
   */
  comparison: ICompareRunsResponse | null;
  /**
   * Why the metrics could not be read, or `null`.
   */
  comparisonError: string | null;
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
   * The table of its runs.
   */
  runsTable: React.ReactNode;
  /**
   * Open the notebook it was taken from.
   */
  onOpenNotebook: (path: string) => void;
  /**
   * Open a run's view.
   */
  onOpenRun: (runId: string) => void;
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
 * Everything about a job definition: its actions, its settings and
 * schedule, the strip of its recent runs, a metric over its runs, and the
 * table of its runs.
 */
export function JobDefinitionDetails(
  props: IJobDefinitionDetailsProps
): JSX.Element {
  const { definition, error, trans } = props;
  if (definition === null) {
    return (
      <LoadingOrError
        className="jp-mlx-JobDefinitionDetails"
        error={error}
        loading={trans.__('Loading schedule…')}
      />
    );
  }
  return (
    <div
      className="jp-mlx-Details jp-mlx-JobDefinitionDetails"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-JobRunDetails-header">
        <h2 className="jp-mlx-Details-title">{definition.name}</h2>
        <ActiveBadge definition={definition} trans={trans} />
        <div className="jp-mlx-JobRunDetails-actions">
          <JobDefinitionButtons {...props} definition={definition} />
          <RefreshButton
            label={trans.__('Refresh schedule')}
            refreshing={props.refreshing}
            onRefresh={props.onRefresh}
          />
        </div>
      </header>
      <ErrorNote error={error} />
      {definition.notebook_changed && (
        <p className="jp-mlx-Note jp-mlx-JobDefinitionDetails-changed">
          {trans.__(
            '%1 changed since this schedule copied it (%2): its runs execute the copy until it is updated from the notebook.',
            definition.notebook,
            formatTime(definition.snapshot_taken_at)
          )}
        </p>
      )}
      <DefinitionFacts {...props} definition={definition} />
      <JobParameters
        parameters={definition.parameters}
        empty={trans.__('None given: the notebook’s defaults apply.')}
        trans={trans}
      />
      <section aria-label={trans.__('Recent runs')}>
        <h3>{trans.__('Recent runs')}</h3>
        {props.recentRuns.length === 0 ? (
          <p className="jp-mlx-Note">{trans.__('No run yet.')}</p>
        ) : (
          <JobRunStrip
            runs={props.recentRuns}
            label={trans.__('Runs of %1', definition.name)}
            onOpen={props.onOpenRun}
            trans={trans}
          />
        )}
      </section>
      <MetricOverRuns {...props} />
      <section aria-label={trans.__('Runs')}>
        <h3>{trans.__('Runs')}</h3>
        {props.runsTable}
      </section>
    </div>
  );
}

/**
 * The settings of a definition, as a list of facts.
 */
function DefinitionFacts(
  props: IJobDefinitionDetailsProps & { definition: IJobDefinition }
): JSX.Element {
  const { definition, trans } = props;
  const sweep = definition.sweep;
  return (
    <dl className="jp-mlx-Facts jp-mlx-JobDefinitionDetails-facts">
      <dt>{trans.__('Notebook')}</dt>
      <dd>
        <button
          type="button"
          className="jp-mlx-LinkButton"
          onClick={() => props.onOpenNotebook(definition.notebook)}
          title={trans.__('Open notebook %1', definition.notebook)}
        >
          {definition.notebook}
        </button>
      </dd>
      <dt>{trans.__('Schedule')}</dt>
      <dd>
        {scheduleText(definition, trans)}
        {definition.cron !== null && (
          <code className="jp-mlx-JobDefinitionDetails-cron">
            {definition.cron}
          </code>
        )}
      </dd>
      <dt>{trans.__('Time zone')}</dt>
      <dd>{definition.timezone}</dd>
      <dt>{trans.__('Next run')}</dt>
      <dd>
        <NextFire definition={definition} trans={trans} />
        {definition.next_fire_at !== null &&
          ` (${formatFireTime(definition.next_fire_at, definition.timezone)})`}
      </dd>
      <dt>{trans.__('Catch-up')}</dt>
      <dd>{catchupLabel(definition.catchup, trans)}</dd>
      <dt>{trans.__('Skipped fires')}</dt>
      <dd>{definition.skipped_fires}</dd>
      <dt>{trans.__('Max concurrent runs')}</dt>
      <dd>{definition.max_concurrent_runs}</dd>
      <dt>{trans.__('Runs')}</dt>
      <dd>
        {trans.__(
          '%1 in all, %2 going',
          definition.run_count,
          definition.active_runs
        )}
      </dd>
      {sweep !== null && (
        <>
          <dt>{trans.__('Sweep')}</dt>
          <dd>
            {trans.__(
              '%1 over %2; metric %3 (%4)',
              strategyLabel(sweep.strategy ?? 'grid', trans),
              Object.keys(sweep.parameters).join(', '),
              sweep.metric ?? trans.__('none'),
              directionLabel(sweep.direction ?? 'minimize', trans)
            )}
          </dd>
        </>
      )}
      <dt>{trans.__('Kernel')}</dt>
      <dd>{definition.kernel}</dd>
      {definition.environment && (
        <>
          <dt>{trans.__('Environment')}</dt>
          <dd className="jp-mlx-JobDefinitionDetails-environment">
            {definition.install_environment
              ? trans.__(
                  '%1 (installed from its lock first when it is not installed)',
                  definition.environment
                )
              : definition.environment}
          </dd>
        </>
      )}
      {definition.inputs.length > 0 && (
        <>
          <dt>{trans.__('Inputs')}</dt>
          <dd>
            <JobInputs inputs={definition.inputs} trans={trans} />
          </dd>
        </>
      )}
      <dt>{trans.__('Experiment')}</dt>
      <dd>{definition.experiment}</dd>
      <dt>{trans.__('Timeout')}</dt>
      <dd>
        {definition.timeout === null
          ? trans.__('none')
          : formatDuration(definition.timeout * 1000)}
      </dd>
      <dt>{trans.__('Notifications')}</dt>
      <dd>
        {definition.notify
          ? trans.__('on failure and recovery')
          : trans.__('off')}
      </dd>
      <dt>{trans.__('Webhook')}</dt>
      <dd>
        {definition.webhook_url === null
          ? trans.__('none')
          : trans.__(
              '%1 (%2)',
              definition.webhook_url,
              definition.webhook_events.join(', ')
            )}
      </dd>
    </dl>
  );
}

/**
 * A metric's last value over the definition's tracked runs, with a picker
 * of the metric.
 */
function MetricOverRuns(props: IJobDefinitionDetailsProps): JSX.Element {
  const { comparison, recentRuns, colors, trans } = props;
  const [chosen, setChosen] = useState<string | null>(null);
  const keys = useMemo(
    () =>
      [
        ...new Set(
          (comparison?.runs ?? []).flatMap(run => Object.keys(run.metrics))
        )
      ].sort(),
    [comparison]
  );
  const metric =
    chosen !== null && keys.includes(chosen) ? chosen : (keys[0] ?? null);
  const option = useMemo(() => {
    if (comparison === null || metric === null) {
      return null;
    }
    const byMLflowRun = new Map(
      recentRuns.map(run => [run.mlflow_run_id, run])
    );
    return metricOverRunsOption(
      comparison.runs.map(run => {
        const jobRun = byMLflowRun.get(run.run_id);
        return formatTime(jobRun?.scheduled_for ?? jobRun?.created_at ?? null);
      }),
      comparison.runs.map(run => run.metrics[metric] ?? null),
      metric,
      colors
    );
  }, [comparison, recentRuns, metric, colors]);
  return (
    <section aria-label={trans.__('Metric over runs')}>
      <div className="jp-mlx-Details-header">
        <h3>{trans.__('Metric over runs')}</h3>
        {keys.length > 0 && (
          <label className="jp-mlx-RunComparison-toggle">
            {trans.__('Metric')}
            <select
              value={metric ?? ''}
              onChange={event => setChosen(event.target.value)}
            >
              {keys.map(key => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {props.comparisonError !== null && (
        <div className="jp-mlx-ErrorNote" role="alert">
          {trans.__('Cannot read the metrics: %1', props.comparisonError)}
        </div>
      )}
      {option === null || metric === null ? (
        <p className="jp-mlx-Note">
          {trans.__(
            'Shown once two ended runs have logged a metric in MLflow.'
          )}
        </p>
      ) : (
        <EChart
          option={option}
          label={trans.__('%1 over the runs of this schedule', metric)}
        />
      )}
    </section>
  );
}
