import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo, useState } from 'react';

import type { ICompareRunsResponse } from '../../api/types';
import {
  type IChartRun,
  metricChartOption,
  parallelOption
} from '../../shared/charts/options';
import type { IChartColors } from '../../shared/charts/theme';
import { EChart } from '../../shared/components/chart';
import { ErrorNote } from '../../shared/components/error-note';
import { LoadingOrError } from '../../shared/components/loading-or-error';
import { RefreshButton } from '../../shared/components/refresh-button';
import { RunStatusBadge, formatMetric } from './run-status';

/**
 * Most metrics parallel coordinates draw at once (one axis each).
 */
export const MAX_PARALLEL_METRICS = 8;

/**
 * The value of the metric picker's choice of every metric.
 */
const ALL_METRICS = '';

/**
 * Properties of the run comparison.
 */
export interface IRunComparisonProps {
  /**
   * The comparison, or `null` before the first answer.
   */
  comparison: ICompareRunsResponse | null;
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
   * Open one run.
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
 * Runs side by side: metric histories overlaid per metric, the params that
 * differ (or all), and parallel coordinates of the varied params against the
 * final metrics (or one of them).
 */
export function RunComparison(props: IRunComparisonProps): JSX.Element {
  const { comparison, error, colors, trans } = props;
  const [showAll, setShowAll] = useState(false);
  const [chosenMetric, setChosenMetric] = useState<string | null>(null);

  const runs: IChartRun[] = useMemo(
    () =>
      (comparison?.runs ?? []).map(run => ({
        id: run.run_id,
        name: run.run_name || run.run_id
      })),
    [comparison]
  );
  const histories = useMemo(
    () =>
      (comparison?.metrics ?? [])
        .filter(series => series.steps.length > 1)
        .map(series => ({
          key: series.key,
          option: metricChartOption(series, runs, colors, trans.__('step'))
        })),
    [comparison, runs, colors]
  );
  const metricKeys = useMemo(
    () =>
      [
        ...new Set(
          (comparison?.runs ?? []).flatMap(run => Object.keys(run.metrics))
        )
      ].sort(),
    [comparison]
  );
  const singles = metricKeys.filter(
    key => !histories.some(history => history.key === key)
  );
  const metricKey =
    chosenMetric !== null && metricKeys.includes(chosenMetric)
      ? chosenMetric
      : null;
  const parallelMetrics = useMemo(
    () =>
      metricKey !== null
        ? [metricKey]
        : metricKeys.slice(0, MAX_PARALLEL_METRICS),
    [metricKey, metricKeys]
  );
  const params = (comparison?.params ?? []).filter(
    param => showAll || param.differs
  );
  const parallelParams = useMemo(() => {
    const all = comparison?.params ?? [];
    const differing = all.filter(param => param.differs);
    return (differing.length > 0 ? differing : all).map(param => param.key);
  }, [comparison]);
  const parallel = useMemo(
    () =>
      comparison === null
        ? null
        : parallelOption(
            comparison.runs,
            parallelParams,
            parallelMetrics,
            colors,
            trans.__('(none)')
          ),
    [comparison, parallelParams, parallelMetrics, colors]
  );

  if (comparison === null) {
    return (
      <LoadingOrError
        className="jp-mlx-RunComparison"
        error={error}
        loading={trans.__('Loading comparison…')}
      />
    );
  }

  return (
    <div
      className="jp-mlx-Details jp-mlx-RunComparison"
      aria-busy={props.refreshing}
    >
      <header className="jp-mlx-Details-header jp-mlx-RunComparison-header">
        <h2 className="jp-mlx-Details-title jp-mlx-RunComparison-title">
          {trans._n('Comparing %1 run', 'Comparing %1 runs', runs.length)}
        </h2>
        <RefreshButton
          label={trans.__('Refresh comparison')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </header>
      <ErrorNote error={error} className="jp-mlx-RunComparison-error" />
      <ul
        className="jp-mlx-RunComparison-runs"
        aria-label={trans.__('Compared runs')}
      >
        {comparison.runs.map((run, index) => (
          <li key={run.run_id}>
            <span
              className="jp-mlx-RunComparison-swatch"
              style={{
                background: colors.palette[index % colors.palette.length]
              }}
              aria-hidden="true"
            />
            <button
              type="button"
              className="jp-mlx-LinkButton jp-mlx-RunDetails-link"
              onClick={() => props.onOpenRun(run.run_id)}
              title={trans.__('Open run %1', run.run_name || run.run_id)}
            >
              {run.run_name || run.run_id}
            </button>
            <RunStatusBadge status={run.status} trans={trans} compact />
          </li>
        ))}
      </ul>

      <section aria-label={trans.__('Metric histories')}>
        <h3>{trans.__('Metric histories')}</h3>
        {histories.length === 0 ? (
          <p className="jp-mlx-Note jp-mlx-RunComparison-empty">
            {trans.__('These runs logged no metric history.')}
          </p>
        ) : (
          <div className="jp-mlx-ChartGrid">
            {histories.map(({ key, option }) => (
              <EChart
                key={key}
                option={option}
                label={trans.__('History of metric %1', key)}
              />
            ))}
          </div>
        )}
      </section>

      {singles.length > 0 && (
        <section aria-label={trans.__('Final metrics')}>
          <h3>{trans.__('Final metrics')}</h3>
          <RunsTable
            label={trans.__('Final metrics of the compared runs')}
            heading={trans.__('Metric')}
            runs={runs}
            rows={singles.map(key => ({
              key,
              cells: comparison.runs.map(run => formatMetric(run.metrics[key]))
            }))}
          />
        </section>
      )}

      <section aria-label={trans.__('Parameters')}>
        <div className="jp-mlx-Details-header jp-mlx-RunComparison-sectionHead">
          <h3>
            {showAll
              ? trans.__('Parameters')
              : trans.__('Parameters that differ')}
          </h3>
          <label className="jp-mlx-RunComparison-toggle">
            <input
              type="checkbox"
              checked={showAll}
              onChange={event => setShowAll(event.target.checked)}
            />
            {trans.__('Show all parameters')}
          </label>
        </div>
        {params.length === 0 ? (
          <p className="jp-mlx-Note jp-mlx-RunComparison-empty">
            {showAll
              ? trans.__('These runs logged no parameters.')
              : trans.__('All parameters are the same.')}
          </p>
        ) : (
          <RunsTable
            label={trans.__('Parameters of the compared runs')}
            heading={trans.__('Parameter')}
            runs={runs}
            rows={params.map(param => ({
              key: param.key,
              differs: param.differs,
              cells: runs.map(run => param.values[run.id] ?? '–')
            }))}
          />
        )}
      </section>

      <section aria-label={trans.__('Parallel coordinates')}>
        <div className="jp-mlx-Details-header jp-mlx-RunComparison-sectionHead">
          <h3>{trans.__('Parallel coordinates')}</h3>
          {metricKeys.length > 0 && (
            <label className="jp-mlx-RunComparison-toggle">
              {trans.__('Metric')}
              <select
                value={metricKey ?? ALL_METRICS}
                onChange={event =>
                  setChosenMetric(
                    event.target.value === ALL_METRICS
                      ? null
                      : event.target.value
                  )
                }
              >
                <option value={ALL_METRICS}>
                  {metricKeys.length > MAX_PARALLEL_METRICS
                    ? trans.__(
                        'The first %1 final metrics',
                        MAX_PARALLEL_METRICS
                      )
                    : trans.__('All final metrics')}
                </option>
                {metricKeys.map(key => (
                  <option key={key} value={key}>
                    {key}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {parallel === null ||
        (parallelParams.length === 0 && parallelMetrics.length === 0) ? (
          <p className="jp-mlx-Note jp-mlx-RunComparison-empty">
            {trans.__('No differing parameters or metrics to draw.')}
          </p>
        ) : (
          <>
            <EChart
              option={parallel}
              className="jp-mlx-Chart-parallel"
              label={
                metricKey === null
                  ? trans.__(
                      'Parallel coordinates of the varied parameters and the final metrics'
                    )
                  : trans.__(
                      'Parallel coordinates of the parameters against %1',
                      metricKey
                    )
              }
            />
            {metricKey !== null && (
              <p className="jp-mlx-RunComparison-note">
                {trans.__(
                  'Last value of %1: %2',
                  metricKey,
                  comparison.runs
                    .map(
                      run =>
                        `${run.run_name || run.run_id} ${formatMetric(run.metrics[metricKey])}`
                    )
                    .join(', ')
                )}
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}

/**
 * Properties of a `RunsTable`.
 */
interface IRunsTableProps {
  /**
   * Accessible name of the table.
   */
  label: string;
  /**
   * Heading of the key column.
   */
  heading: string;
  /**
   * The compared runs, one column each.
   */
  runs: IChartRun[];
  /**
   * One row per key: its values, one per run in column order; a row whose
   * values `differs` is highlighted.
   */
  rows: { key: string; cells: string[]; differs?: boolean }[];
}

/**
 * A table with one column per compared run and one row per key.
 */
function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs } = props;
  return (
    <table
      className="jp-mlx-Table jp-mlx-RunComparison-params"
      aria-label={props.label}
    >
      <thead>
        <tr>
          <th scope="col">{props.heading}</th>
          {runs.map(run => (
            <th scope="col" key={run.id}>
              {run.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map(row => (
          <tr
            key={row.key}
            className={row.differs ? 'jp-mod-differs' : undefined}
          >
            <th scope="row">{row.key}</th>
            {row.cells.map((cell, index) => (
              <td key={runs[index].id}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
