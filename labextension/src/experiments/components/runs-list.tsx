import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, searchIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useState } from 'react';

import type { IRunSummary } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { RefreshButton } from '../../shared/components/refresh-button';
import type { RunOrder } from '../state/experiments';
import { RunDuration, RunStatusBadge, formatMetric } from './run-status';

/**
 * Number of metric values shown per run.
 */
const SHOWN_METRICS = 3;

/**
 * Properties of the runs list.
 */
export interface IRunsListProps {
  /**
   * Server path of the notebook whose runs are listed; `null` when no
   * notebook is open.
   */
  notebook: string | null;
  /**
   * The runs of the current page.
   */
  runs: ReadonlyArray<IRunSummary>;
  /**
   * Whether the current page has been fetched at least once.
   */
  loaded: boolean;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * The message of the last refresh's error (e.g. the tracking store is
   * unreachable), or `null`.
   */
  error: string | null;
  /**
   * The applied search filter.
   */
  filter: string;
  /**
   * The server's message about a rejected filter, or `null`.
   */
  filterError: string | null;
  /**
   * The order of the runs.
   */
  order: RunOrder;
  /**
   * Metric keys the runs can be sorted by.
   */
  metricKeys: ReadonlyArray<string>;
  /**
   * Zero-based index of the page shown.
   */
  pageIndex: number;
  /**
   * Whether there are pages after and before this one.
   */
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /**
   * Ids of the selected runs.
   */
  selected: ReadonlyArray<string>;
  /**
   * Apply a search filter.
   */
  onFilter: (filter: string) => void;
  /**
   * Change the order.
   */
  onOrder: (order: RunOrder) => void;
  /**
   * Go to the next or previous page.
   */
  onNextPage: () => void;
  onPreviousPage: () => void;
  /**
   * Select or unselect a run.
   */
  onSelect: (runId: string, selected: boolean) => void;
  /**
   * Compare the selected runs.
   */
  onCompare: () => void;
  /**
   * Open a run.
   */
  onOpen: (runId: string) => void;
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
 * Encode an order as the value of the sort menu.
 */
export function encodeOrder(order: RunOrder): string {
  const direction = order.ascending ? 'asc' : 'desc';
  return order.by === 'metric'
    ? `metric:${direction}:${order.key}`
    : `start_time:${direction}`;
}

/**
 * Decode a value of the sort menu.
 */
export function decodeOrder(value: string): RunOrder {
  const [by, direction, ...key] = value.split(':');
  const ascending = direction === 'asc';
  return by === 'metric'
    ? { by: 'metric', key: key.join(':'), ascending }
    : { by: 'start_time', ascending };
}

/**
 * The runs of the active notebook: a search box taking MLflow filter syntax,
 * a sort menu, the runs (selectable, each opening its run view), paging and
 * a button comparing the selected runs.
 */
export function RunsList(props: IRunsListProps): JSX.Element {
  const { notebook, trans } = props;
  if (notebook === null) {
    return (
      <div className="jp-mlx-List jp-mlx-RunsList">
        <p className="jp-mlx-Note jp-mlx-RunsList-empty">
          {trans.__('Open a notebook to see its runs.')}
        </p>
      </div>
    );
  }
  return (
    <div className="jp-mlx-List jp-mlx-RunsList" aria-busy={props.refreshing}>
      <div className="jp-mlx-RunsList-notebook" title={notebook}>
        {trans.__('Runs of %1', notebook)}
      </div>
      <SearchBox
        filter={props.filter}
        error={props.filterError}
        onFilter={props.onFilter}
        trans={trans}
      />
      <div className="jp-mlx-RunsList-toolbar">
        <SortMenu
          order={props.order}
          metricKeys={props.metricKeys}
          onOrder={props.onOrder}
          trans={trans}
        />
        <RefreshButton
          label={trans.__('Refresh runs')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} className="jp-mlx-RunsList-error" />
      <RunRows {...props} />
      <div className="jp-mlx-RunsList-footer">
        <Button
          small
          className="jp-mlx-RunsList-compare"
          disabled={props.selected.length < 2}
          onClick={props.onCompare}
          title={trans.__('Compare the selected runs (at least two)')}
        >
          {trans._n(
            'Compare (%1 selected)',
            'Compare (%1 selected)',
            props.selected.length
          )}
        </Button>
        <nav
          className="jp-mlx-RunsList-pager"
          aria-label={trans.__('Pages of runs')}
        >
          <PagerButton
            label={trans.__('Previous')}
            enabled={props.hasPreviousPage}
            onClick={props.onPreviousPage}
          />
          <span className="jp-mlx-RunsList-page">
            {trans.__('Page %1', props.pageIndex + 1)}
          </span>
          <PagerButton
            label={trans.__('Next')}
            enabled={props.hasNextPage}
            onClick={props.onNextPage}
          />
        </nav>
      </div>
    </div>
  );
}

/**
 * The runs of the page, or why there are none.
 */
function RunRows(props: IRunsListProps): JSX.Element | null {
  const { runs, trans } = props;
  if (runs.length === 0) {
    if (!props.loaded || props.filterError !== null || props.error !== null) {
      return null;
    }
    return (
      <p className="jp-mlx-Note jp-mlx-RunsList-empty">
        {props.filter.trim()
          ? trans.__('No run of this notebook matches the filter.')
          : trans.__(
              'No runs of this notebook yet. Runs it tracks with MLflow appear here.'
            )}
      </p>
    );
  }
  return (
    <ul
      className="jp-mlx-List-items jp-mlx-RunsList-runs"
      aria-label={trans.__('Runs')}
    >
      {runs.map(run => (
        <RunRow
          key={run.run_id}
          run={run}
          selected={props.selected.includes(run.run_id)}
          onSelect={props.onSelect}
          onOpen={props.onOpen}
          trans={trans}
        />
      ))}
    </ul>
  );
}

/**
 * One run: checkbox, name, status, duration and its first metric values.
 */
function RunRow(props: {
  run: IRunSummary;
  selected: boolean;
  onSelect: (runId: string, selected: boolean) => void;
  onOpen: (runId: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { run, selected, onSelect, onOpen, trans } = props;
  const name = run.run_name || run.run_id;
  const metrics = Object.keys(run.metrics).sort().slice(0, SHOWN_METRICS);
  return (
    <li
      className={
        selected ? 'jp-mlx-RunsList-run jp-mod-selected' : 'jp-mlx-RunsList-run'
      }
      data-run-id={run.run_id}
    >
      <input
        type="checkbox"
        className="jp-mlx-RunsList-check"
        checked={selected}
        onChange={event => onSelect(run.run_id, event.target.checked)}
        aria-label={trans.__('Select run %1', name)}
      />
      <div className="jp-mlx-RunsList-body">
        <div className="jp-mlx-RunsList-head">
          <RunStatusBadge status={run.status} trans={trans} compact />
          <button
            type="button"
            className="jp-mlx-LinkButton jp-mlx-RunsList-name"
            onClick={() => onOpen(run.run_id)}
            title={trans.__('Open run %1', name)}
          >
            {name}
          </button>
          <RunDuration
            start={run.start_time}
            end={run.end_time}
            status={run.status}
          />
        </div>
        {metrics.length > 0 && (
          <div className="jp-mlx-RunsList-metrics">
            {metrics.map(key => (
              <span key={key} className="jp-mlx-RunsList-metric" title={key}>
                <span className="jp-mlx-RunsList-metricKey">{key}</span>{' '}
                {formatMetric(run.metrics[key])}
              </span>
            ))}
          </div>
        )}
      </div>
    </li>
  );
}

/**
 * The search box: an MLflow filter, applied on Enter; the server's message
 * about a rejected filter shows under it.
 */
function SearchBox(props: {
  filter: string;
  error: string | null;
  onFilter: (filter: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { filter, error, onFilter, trans } = props;
  const [draft, setDraft] = useState(filter);
  const errorId = useId();
  useEffect(() => setDraft(filter), [filter]);
  return (
    <form
      className="jp-mlx-RunsList-search"
      role="search"
      onSubmit={event => {
        event.preventDefault();
        onFilter(draft);
      }}
    >
      <div className="jp-mlx-RunsList-searchRow">
        <input
          type="search"
          className="jp-mlx-RunsList-searchInput"
          value={draft}
          placeholder={trans.__('e.g. metrics.loss < 0.1')}
          aria-label={trans.__('Search runs')}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          onChange={event => setDraft(event.target.value)}
        />
        <Button
          minimal
          small
          type="submit"
          title={trans.__('Search')}
          aria-label={trans.__('Search')}
        >
          <searchIcon.react tag="span" />
        </Button>
      </div>
      {error !== null && (
        <div
          id={errorId}
          className="jp-mlx-ErrorNote jp-mlx-RunsList-filterError"
          role="alert"
        >
          {error}
        </div>
      )}
    </form>
  );
}

/**
 * The sort menu: newest or oldest first, or by a metric either way.
 */
function SortMenu(props: {
  order: RunOrder;
  metricKeys: ReadonlyArray<string>;
  onOrder: (order: RunOrder) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { order, metricKeys, onOrder, trans } = props;
  return (
    <select
      className="jp-mlx-RunsList-sort"
      aria-label={trans.__('Sort runs')}
      value={encodeOrder(order)}
      onChange={event => onOrder(decodeOrder(event.target.value))}
    >
      <option value="start_time:desc">{trans.__('Newest first')}</option>
      <option value="start_time:asc">{trans.__('Oldest first')}</option>
      {metricKeys.map(key => (
        <React.Fragment key={key}>
          <option value={`metric:asc:${key}`}>
            {trans.__('%1, lowest first', key)}
          </option>
          <option value={`metric:desc:${key}`}>
            {trans.__('%1, highest first', key)}
          </option>
        </React.Fragment>
      ))}
    </select>
  );
}

/**
 * One step of the pager (Previous or Next).
 */
function PagerButton(props: {
  label: string;
  enabled: boolean;
  onClick: () => void;
}): JSX.Element {
  return (
    <Button minimal small disabled={!props.enabled} onClick={props.onClick}>
      {props.label}
    </Button>
  );
}
