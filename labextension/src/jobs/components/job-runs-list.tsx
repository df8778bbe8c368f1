import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  deleteIcon,
  runIcon,
  stopIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IJobRun, JobRunStatus } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { RefreshButton } from '../../shared/components/refresh-button';
import type { JobRunsState } from '../state/runs';
import { JOB_RUN_STATUSES, baseName, isActiveJobStatus } from '../status';
import {
  JobDuration,
  JobStatusBadge,
  formatTime,
  jobStatusLabel
} from './job-status';
import { RowAction } from './row-action';

/**
 * What the user can do with a listed run.
 */
export interface IJobRunRowActions {
  /**
   * Open the run's view.
   */
  onOpen: (runId: string) => void;
  /**
   * Stop a queued or running run.
   */
  onStop: (run: IJobRun) => void;
  /**
   * Run the notebook again with the same parameters and options.
   */
  onRerun: (run: IJobRun) => void;
  /**
   * Delete a run that has ended (after asking).
   */
  onDelete: (run: IJobRun) => void;
}

/**
 * Properties of the job runs list.
 */
export interface IJobRunsListProps extends IJobRunRowActions {
  /**
   * The runs of the current page, newest first.
   */
  runs: ReadonlyArray<IJobRun>;
  /**
   * Runs matching the filters, on all pages.
   */
  total: number;
  /**
   * Whether the current page has been fetched.
   */
  loaded: boolean;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * The notebook filtered on, or `null` for all.
   */
  notebook: string | null;
  /**
   * The notebooks to filter on.
   */
  notebooks: ReadonlyArray<string>;
  /**
   * Whether to offer the notebook filter (default: yes; not for the runs of
   * one job).
   */
  notebookFilter?: boolean;
  /**
   * The status filtered on, or `null` for all.
   */
  status: JobRunStatus | null;
  /**
   * The run to point out, or `null`.
   */
  highlighted: string | null;
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
   * Filter on a notebook (`null`: all).
   */
  onNotebook: (notebook: string | null) => void;
  /**
   * Filter on a status (`null`: all).
   */
  onStatus: (status: JobRunStatus | null) => void;
  /**
   * Go to the next or previous page.
   */
  onNextPage: () => void;
  onPreviousPage: () => void;
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
 * The value of the "all" choice of a filter menu.
 */
const ALL = '';

/**
 * The runs of all jobs: filters by notebook and status, the runs (each with
 * its status, times and actions) and paging.
 */
export function JobRunsList(props: IJobRunsListProps): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-mlx-List jp-mlx-JobsList" aria-busy={props.refreshing}>
      <div className="jp-mlx-JobsList-filters">
        {props.notebookFilter !== false && (
          <select
            className="jp-mlx-JobsList-notebook"
            aria-label={trans.__('Filter by notebook')}
            value={props.notebook ?? ALL}
            onChange={event =>
              props.onNotebook(
                event.target.value === ALL ? null : event.target.value
              )
            }
          >
            <option value={ALL}>{trans.__('All notebooks')}</option>
            {props.notebooks.map(path => (
              <option key={path} value={path}>
                {path}
              </option>
            ))}
          </select>
        )}
        <select
          className="jp-mlx-JobsList-status"
          aria-label={trans.__('Filter by status')}
          value={props.status ?? ALL}
          onChange={event =>
            props.onStatus(
              event.target.value === ALL
                ? null
                : (event.target.value as JobRunStatus)
            )
          }
        >
          <option value={ALL}>{trans.__('All statuses')}</option>
          {JOB_RUN_STATUSES.map(status => (
            <option key={status} value={status}>
              {jobStatusLabel(status, trans)}
            </option>
          ))}
        </select>
        <RefreshButton
          label={trans.__('Refresh job runs')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} className="jp-mlx-JobsList-error" />
      <JobRunRows {...props} />
      {(props.hasNextPage || props.hasPreviousPage || props.total > 0) && (
        <div className="jp-mlx-JobsList-footer">
          <span className="jp-mlx-JobsList-total">
            {trans._n('%1 run', '%1 runs', props.total)}
          </span>
          <nav
            className="jp-mlx-JobsList-pager"
            aria-label={trans.__('Pages of job runs')}
          >
            <Button
              minimal
              small
              disabled={!props.hasPreviousPage}
              onClick={props.onPreviousPage}
            >
              {trans.__('Previous')}
            </Button>
            <span className="jp-mlx-JobsList-page">
              {trans.__('Page %1', props.pageIndex + 1)}
            </span>
            <Button
              minimal
              small
              disabled={!props.hasNextPage}
              onClick={props.onNextPage}
            >
              {trans.__('Next')}
            </Button>
          </nav>
        </div>
      )}
    </div>
  );
}

/**
 * The runs of the page, or why there are none.
 */
function JobRunRows(props: IJobRunsListProps): JSX.Element | null {
  const { runs, trans } = props;
  if (runs.length === 0) {
    if (!props.loaded || props.error !== null) {
      return null;
    }
    return (
      <p className="jp-mlx-Note jp-mlx-JobsList-empty">
        {props.notebook !== null || props.status !== null
          ? trans.__('No job run matches the filters.')
          : trans.__(
              'No job runs yet. Run a notebook with parameters from its toolbar (Run job) or its context menu in the file browser.'
            )}
      </p>
    );
  }
  return (
    <ul
      className="jp-mlx-List-items jp-mlx-JobsList-runs"
      aria-label={trans.__('Job runs')}
    >
      {runs.map(run => (
        <JobRunRow
          key={run.id}
          run={run}
          highlighted={run.id === props.highlighted}
          onOpen={props.onOpen}
          onStop={props.onStop}
          onRerun={props.onRerun}
          onDelete={props.onDelete}
          trans={trans}
        />
      ))}
    </ul>
  );
}

/**
 * Properties of one listed run.
 */
export interface IJobRunRowProps extends IJobRunRowActions {
  /**
   * The run.
   */
  run: IJobRun;
  /**
   * Whether to point the run out.
   */
  highlighted: boolean;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * One run: notebook, status, created time, duration and actions.
 */
export function JobRunRow(props: IJobRunRowProps): JSX.Element {
  const { run, trans } = props;
  const name = baseName(run.notebook);
  const active = isActiveJobStatus(run.status);
  return (
    <li
      className={
        props.highlighted
          ? 'jp-mlx-JobRunRow jp-mod-highlighted'
          : 'jp-mlx-JobRunRow'
      }
      data-run-id={run.id}
      data-status={run.status}
    >
      <div className="jp-mlx-JobRunRow-head">
        <button
          type="button"
          className="jp-mlx-LinkButton jp-mlx-JobRunRow-name"
          onClick={() => props.onOpen(run.id)}
          title={trans.__('Open job run %1 of %2', run.id, run.notebook)}
        >
          {name}
        </button>
        <div className="jp-mlx-JobRunRow-actions">
          {active ? (
            <RowAction
              className="jp-mlx-JobRunRow-stop"
              icon={stopIcon}
              onClick={() => props.onStop(run)}
              title={trans.__('Stop this run')}
              label={trans.__('Stop run of %1', name)}
            />
          ) : (
            <RowAction
              className="jp-mlx-JobRunRow-delete"
              icon={deleteIcon}
              onClick={() => props.onDelete(run)}
              title={trans.__('Delete this run and its files')}
              label={trans.__('Delete run of %1', name)}
            />
          )}
          <RowAction
            className="jp-mlx-JobRunRow-rerun"
            icon={runIcon}
            onClick={() => props.onRerun(run)}
            title={trans.__('Run again with the same parameters')}
            label={trans.__('Re-run %1', name)}
          />
        </div>
      </div>
      <div className="jp-mlx-JobRunRow-meta">
        <JobStatusBadge run={run} trans={trans} />
        <span className="jp-mlx-JobRunRow-created" title={run.created_at}>
          {formatTime(run.created_at)}
        </span>
        <JobDuration run={run} />
      </div>
    </li>
  );
}

/**
 * What a runs list shows of a runs state, and how it changes its filters and
 * page.
 */
export function runsListOf(
  state: JobRunsState
): Omit<IJobRunsListProps, keyof IJobRunRowActions | 'trans'> {
  return {
    runs: state.runs,
    total: state.total,
    loaded: state.loaded,
    refreshing: state.refreshing,
    error: state.error?.message ?? null,
    notebook: state.notebook,
    notebooks: state.notebooks,
    status: state.status,
    highlighted: state.highlighted,
    pageIndex: state.pageIndex,
    hasNextPage: state.hasNextPage,
    hasPreviousPage: state.hasPreviousPage,
    onNotebook: notebook => (state.notebook = notebook),
    onStatus: status => (state.status = status),
    onNextPage: () => void state.nextPage(),
    onPreviousPage: () => void state.previousPage(),
    onRefresh: () => void state.refresh()
  };
}

/**
 * The runs list of a runs state, rendered again whenever the state changes.
 */
export function LiveJobRunsList(
  props: IJobRunRowActions & {
    /**
     * The runs shown.
     */
    state: JobRunsState;
    /**
     * Whether to offer the notebook filter.
     */
    notebookFilter?: boolean;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
): JSX.Element {
  const { state, ...others } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => <JobRunsList {...runsListOf(state)} {...others} />}
    </UseSignal>
  );
}
