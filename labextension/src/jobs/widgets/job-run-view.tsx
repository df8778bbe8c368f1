import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { StateWidget } from '../../shared/widgets/state-widget';
import { JobRunDetails } from '../components/job-run-details';
import type { JobRunState } from '../state/run';
import { baseName } from '../status';

/**
 * What a job run view does on the user's behalf.
 */
export interface IJobRunViewActions {
  /**
   * Open a notebook by its server path.
   */
  openNotebook(path: string): void;
  /**
   * Open the run's output notebook, scrolled to a cell (`null`: the top).
   */
  openOutput(runId: string, cellIndex: number | null): void;
  /**
   * Open an MLflow run in the Experiments view.
   */
  openMLflowRun(mlflowRunId: string): void;
  /**
   * Open a sweep's view.
   */
  openSweep(sweepId: string): void;
  /**
   * Whether MLflow runs can be opened (the Experiments view is there).
   */
  canOpenMLflowRun(): boolean;
  /**
   * The download URL of the run's output notebook.
   */
  downloadUrl(runId: string): string;
  /**
   * Stop the run.
   */
  stop(runId: string): void;
  /**
   * Run the notebook again with the same parameters.
   */
  rerun(runId: string): void;
}

/**
 * The view of one job run in the main area (wrapped in a `MainAreaWidget`):
 * its node carries the run's status in `data-status`.
 */
export class JobRunView extends StateWidget<JobRunState> {
  /**
   * @param options - The run, the actions and the translation bundle.
   */
  constructor(options: JobRunView.IOptions) {
    super(options.state, options.trans);
    this._actions = options.actions;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-JobRunView');
    this.node.dataset.runId = this.state.runId;
    this.state.changed.connect(this._update, this);
    this._update();
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    const actions = this._actions;
    return (
      <JobRunDetails
        run={state.run}
        log={state.log}
        logComplete={state.logComplete}
        logTruncated={state.logTruncated}
        error={state.error?.message ?? null}
        refreshing={state.refreshing}
        canOpenMLflowRun={actions.canOpenMLflowRun()}
        downloadUrl={actions.downloadUrl(state.runId)}
        onOpenNotebook={path => actions.openNotebook(path)}
        onOpenOutput={cellIndex => actions.openOutput(state.runId, cellIndex)}
        onOpenMLflowRun={runId => actions.openMLflowRun(runId)}
        onOpenSweep={sweepId => actions.openSweep(sweepId)}
        onStop={() => actions.stop(state.runId)}
        onRerun={() => actions.rerun(state.runId)}
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _update(): void {
    const run = this.state.run;
    this.node.dataset.status = run?.status ?? 'loading';
    this.title.label = run
      ? this.trans.__('Job %1', baseName(run.notebook))
      : this.trans.__('Job run %1', this.state.runId);
    this.title.caption = run
      ? this.trans.__('Job run %1 of %2', run.id, run.notebook)
      : this.trans.__('Job run %1', this.state.runId);
  }

  private _actions: IJobRunViewActions;
}

/**
 * Types of `JobRunView`.
 */
export namespace JobRunView {
  /**
   * Options of a job run view.
   */
  export interface IOptions {
    /**
     * The run shown; the view owns it.
     */
    state: JobRunState;
    /**
     * What the view does on the user's behalf.
     */
    actions: IJobRunViewActions;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
