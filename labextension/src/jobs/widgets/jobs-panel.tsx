import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import type { IJobRun } from '../../api/types';
import { StateWidget } from '../../shared/widgets/state-widget';
import { JobRunsList } from '../components/job-runs-list';
import type { JobRunsState } from '../state/runs';

/**
 * What the Jobs section does on the user's behalf.
 */
export interface IJobsPanelActions {
  /**
   * Open a run's view.
   */
  openRun(runId: string): void;
  /**
   * Stop a queued or running run.
   */
  stop(run: IJobRun): void;
  /**
   * Run the notebook again with the same parameters and options.
   */
  rerun(run: IJobRun): void;
  /**
   * Delete a run that has ended, after asking.
   */
  delete(run: IJobRun): void;
}

/**
 * The "Jobs" section of the MLX sidebar: the runs of all jobs, newest first.
 * The panel owns its state, which lists runs only while the panel is
 * visible (and keeps watching the runs submitted from this page).
 */
export class JobsPanel extends StateWidget<JobRunsState> {
  /**
   * @param state - The runs to show.
   * @param actions - What the panel does on the user's behalf.
   * @param translator - The application's translator.
   */
  constructor(
    state: JobRunsState,
    actions: IJobsPanelActions,
    translator: ITranslator
  ) {
    super(state, translator.load('jupyter_mlx'));
    this._actions = actions;
    this.id = 'jp-mlx-jobs';
    this.addClass('jp-mlx-JobsSection');
    this.title.label = this.trans.__('Jobs');
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    return (
      <JobRunsList
        runs={state.runs}
        total={state.total}
        loaded={state.loaded}
        refreshing={state.refreshing}
        error={state.error?.message ?? null}
        notebook={state.notebook}
        notebooks={state.notebooks}
        status={state.status}
        highlighted={state.highlighted}
        pageIndex={state.pageIndex}
        hasNextPage={state.hasNextPage}
        hasPreviousPage={state.hasPreviousPage}
        onNotebook={notebook => (state.notebook = notebook)}
        onStatus={status => (state.status = status)}
        onNextPage={() => void state.nextPage()}
        onPreviousPage={() => void state.previousPage()}
        onRefresh={() => void state.refresh()}
        onOpen={runId => this._actions.openRun(runId)}
        onStop={run => this._actions.stop(run)}
        onRerun={run => this._actions.rerun(run)}
        onDelete={run => this._actions.delete(run)}
        trans={this.trans}
      />
    );
  }

  private _actions: IJobsPanelActions;
}
