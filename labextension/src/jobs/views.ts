import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import type { IJobDefinition, IJobRun, ISweep } from '../api/types';
import type { ChartTheme } from '../shared/charts/theme';
import type { PolledState } from '../shared/state/polled';
import { DEFAULT_IDLE_INTERVAL } from '../shared/state/polled';
import { addToMainArea, revealTracked } from '../shared/widgets/main-area';
import type { IMLXClient } from '../tokens';
import { JobDefinitionState } from './state/definition';
import type { JobFormResult } from './state/form';
import { JobRunState } from './state/run';
import { DEFAULT_ACTIVE_INTERVAL } from './state/runs';
import { SweepState } from './state/sweep';
import type { IJobsTrackers } from './trackers';
import {
  type IJobDefinitionViewActions,
  JobDefinitionView
} from './widgets/job-definition-view';
import { JobFormDialog, showJobFormDialog } from './widgets/job-form-dialog';
import { JobRunView } from './widgets/job-run-view';
import { JobOutputViewer } from './widgets/output-viewer';
import { SweepView } from './widgets/sweep-view';

/**
 * What the views do to runs, definitions and sweeps, and how they reach the
 * Experiments views.
 */
export interface IJobsViewsActions extends Pick<
  IJobDefinitionViewActions,
  'trigger' | 'pause' | 'resume' | 'edit' | 'updateFromNotebook'
> {
  /**
   * Stop a run.
   */
  stop(run: IJobRun): Promise<IJobRun | null>;
  /**
   * Run a run's notebook again with the same parameters.
   */
  rerun(run: IJobRun): Promise<IJobRun | null>;
  /**
   * Delete a run that has ended, after asking.
   */
  deleteRun(run: IJobRun): void;
  /**
   * Delete a definition, after asking.
   */
  deleteDefinition(definition: IJobDefinition): void;
  /**
   * Stop a running sweep.
   */
  stopSweep(sweep: ISweep): void;
  /**
   * Delete an ended sweep, after asking.
   */
  deleteSweep(sweep: ISweep): void;
  /**
   * Whether MLflow runs can be opened.
   */
  canOpenMLflowRun(): boolean;
  /**
   * Open an MLflow run in the Experiments view.
   */
  openMLflowRun(mlflowRunId: string): void;
  /**
   * Open the Experiments comparison of MLflow runs.
   */
  compareRuns(mlflowRunIds: string[]): void;
}

/**
 * The main-area views of the jobs feature: one view per job run, output
 * notebook, job definition and sweep, each revealed again rather than
 * opened twice, and restored with the layout; and the "Run with Parameters"
 * and "Schedule" dialogs.
 */
export class JobsViews implements IDisposable {
  /**
   * @param options - The application, client, chart theme, trackers,
   * actions and translation bundle.
   */
  constructor(options: JobsViews.IOptions) {
    this._app = options.app;
    this._client = options.client;
    this._theme = options.theme;
    this._trans = options.trans;
    this._actions = options.actions;
    this.trackers = options.trackers;
  }

  /**
   * The trackers of the open views.
   */
  readonly trackers: IJobsTrackers;

  /**
   * Seconds between two refreshes of what has ended.
   */
  get refreshInterval(): number {
    return this._refreshInterval;
  }
  set refreshInterval(seconds: number) {
    this._refreshInterval = seconds;
    this._states().forEach(state => (state.refreshInterval = seconds));
  }

  /**
   * Seconds between two refreshes of what is active.
   */
  get activeRefreshInterval(): number {
    return this._activeRefreshInterval;
  }
  set activeRefreshInterval(seconds: number) {
    this._activeRefreshInterval = seconds;
    this._states().forEach(state => (state.activeRefreshInterval = seconds));
  }

  /**
   * Whether the views manager is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask for a notebook's parameters and run options (and schedule), and
   * create the run, sweep or definition.
   *
   * @param options - The notebook, and whether to schedule it (or which
   * definition to edit).
   * @returns What was created, or `null` when the user cancelled.
   */
  showDialog(
    options: Omit<JobFormDialog.IOptions, 'client' | 'trans'>
  ): Promise<JobFormResult | null> {
    return showJobFormDialog({
      ...options,
      client: this._client,
      trans: this._trans
    });
  }

  /**
   * Open the view of a job run, or reveal it when it is open.
   */
  async openRun(runId: string): Promise<void> {
    if (
      revealTracked(
        this._app.shell,
        this.trackers.runs,
        w => w.content.state.runId === runId
      )
    ) {
      return;
    }
    const state = new JobRunState({ ...this._stateOptions(), runId });
    const actions = this._actions;
    const withRun = (id: string, act: (run: IJobRun) => void): void => {
      const run = this._runView(id)?.content.state.run;
      if (run) {
        act(run);
      }
    };
    const content = new JobRunView({
      state,
      trans: this._trans,
      actions: {
        openNotebook: path => this._openNotebook(path),
        openOutput: (id, cellIndex) => void this.openOutput(id, cellIndex),
        openSweep: sweepId => void this.openSweep(sweepId),
        openMLflowRun: mlflowRunId => actions.openMLflowRun(mlflowRunId),
        canOpenMLflowRun: () => actions.canOpenMLflowRun(),
        downloadUrl: id => this._client.jobRunOutputUrl(id, 'ipynb'),
        stop: id =>
          withRun(id, run => {
            void actions.stop(run).then(stopped => {
              if (stopped) {
                this.update(stopped);
              }
            });
          }),
        rerun: id => withRun(id, run => void actions.rerun(run))
      }
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.runs,
      content,
      `jp-mlx-job-run-${runId}`
    );
    void state.start();
  }

  /**
   * Open a job run's output notebook, scrolled to a cell, or reveal it (and
   * scroll to the cell) when it is open.
   *
   * @param cellIndex - The cell's index in the output notebook; `null` for
   * the top.
   */
  async openOutput(runId: string, cellIndex: number | null): Promise<void> {
    const open = this.trackers.outputs.find(w => w.content.runId === runId);
    if (open) {
      open.content.showCell(cellIndex);
      this._app.shell.activateById(open.id);
      return;
    }
    const notebook = await this._notebookOf(runId);
    const content = new JobOutputViewer({
      client: this._client,
      runId,
      notebook,
      cellIndex,
      trans: this._trans
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.outputs,
      content,
      `jp-mlx-job-output-${runId}`
    );
    await content.load();
  }

  /**
   * Open the view of a job definition, or reveal it when it is open.
   */
  async openDefinition(jobId: string): Promise<void> {
    if (
      revealTracked(
        this._app.shell,
        this.trackers.definitions,
        w => w.content.state.jobId === jobId
      )
    ) {
      return;
    }
    const state = new JobDefinitionState({ ...this._stateOptions(), jobId });
    const actions = this._actions;
    const content = new JobDefinitionView({
      state,
      theme: this._theme,
      trans: this._trans,
      actions: {
        openNotebook: path => this._openNotebook(path),
        openRun: runId => void this.openRun(runId),
        stopRun: run =>
          void actions.stop(run).then(stopped => {
            if (stopped) {
              state.runs.upsert(stopped);
            }
          }),
        rerun: run => void actions.rerun(run),
        deleteRun: run => actions.deleteRun(run),
        trigger: definition => actions.trigger(definition),
        pause: definition => actions.pause(definition),
        resume: definition => actions.resume(definition),
        edit: definition => actions.edit(definition),
        updateFromNotebook: definition =>
          actions.updateFromNotebook(definition),
        delete: definition => actions.deleteDefinition(definition)
      }
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.definitions,
      content,
      `jp-mlx-job-definition-${jobId}`
    );
    void state.start();
  }

  /**
   * Open the view of a sweep, or reveal it when it is open.
   */
  async openSweep(sweepId: string): Promise<void> {
    if (
      revealTracked(
        this._app.shell,
        this.trackers.sweeps,
        w => w.content.state.sweepId === sweepId
      )
    ) {
      return;
    }
    const state = new SweepState({ ...this._stateOptions(), sweepId });
    const actions = this._actions;
    const content = new SweepView({
      state,
      trans: this._trans,
      actions: {
        openRun: runId => void this.openRun(runId),
        compareRuns: ids => actions.compareRuns(ids),
        stop: sweep => actions.stopSweep(sweep),
        delete: sweep => actions.deleteSweep(sweep)
      }
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.sweeps,
      content,
      `jp-mlx-sweep-${sweepId}`
    );
    void state.start();
  }

  /**
   * Show a run's newer state in its open view.
   */
  update(run: IJobRun): void {
    this._runView(run.id)?.content.state.update(run);
  }

  /**
   * Show a definition's newer state in its open view.
   */
  updateDefinition(definition: IJobDefinition): void {
    this._definitionView(definition.id)?.content.state.update(definition);
  }

  /**
   * Show a sweep's newer state in its open view.
   */
  updateSweep(sweep: ISweep): void {
    this.trackers.sweeps
      .find(w => w.content.state.sweepId === sweep.id)
      ?.content.state.update(sweep);
  }

  /**
   * Close the views of a deleted run.
   */
  close(runId: string): void {
    this._runView(runId)?.dispose();
    this.trackers.outputs.find(w => w.content.runId === runId)?.dispose();
  }

  /**
   * Close the view of a deleted definition.
   */
  closeDefinition(jobId: string): void {
    this._definitionView(jobId)?.dispose();
  }

  /**
   * Close the view of a deleted sweep.
   */
  closeSweep(sweepId: string): void {
    this.trackers.sweeps
      .find(w => w.content.state.sweepId === sweepId)
      ?.dispose();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.trackers.runs.dispose();
    this.trackers.outputs.dispose();
    this.trackers.definitions.dispose();
    this.trackers.sweeps.dispose();
  }

  /**
   * What every state of a view is built with.
   */
  private _stateOptions() {
    return {
      client: this._client,
      refreshInterval: this._refreshInterval,
      activeRefreshInterval: this._activeRefreshInterval
    };
  }

  /**
   * The states of the open views.
   */
  private _states(): PolledState[] {
    const states: PolledState[] = [];
    this.trackers.runs.forEach(w => states.push(w.content.state));
    this.trackers.definitions.forEach(w => states.push(w.content.state));
    this.trackers.sweeps.forEach(w => states.push(w.content.state));
    return states;
  }

  private _openNotebook(path: string): void {
    this._app.commands
      .execute('docmanager:open', { path })
      .catch(reason =>
        console.error('jupyter-mlx: cannot open the notebook', reason)
      );
  }

  /**
   * The notebook of a run, for a viewer's title: from its open view, else
   * from the server; the run id when neither knows.
   */
  private async _notebookOf(runId: string): Promise<string> {
    const shown = this._runView(runId)?.content.state.run;
    if (shown) {
      return shown.notebook;
    }
    try {
      return (await this._client.getJobRun(runId)).notebook;
    } catch {
      // The viewer reports why the output cannot be shown.
      return runId;
    }
  }

  private _runView(runId: string): MainAreaWidget<JobRunView> | undefined {
    return this.trackers.runs.find(w => w.content.state.runId === runId);
  }

  private _definitionView(
    jobId: string
  ): MainAreaWidget<JobDefinitionView> | undefined {
    return this.trackers.definitions.find(w => w.content.state.jobId === jobId);
  }

  private _actions: IJobsViewsActions;
  private _activeRefreshInterval = DEFAULT_ACTIVE_INTERVAL;
  private _app: JupyterFrontEnd;
  private _client: IMLXClient;
  private _isDisposed = false;
  private _refreshInterval = DEFAULT_IDLE_INTERVAL;
  private _theme: ChartTheme;
  private _trans: TranslationBundle;
}

/**
 * Types of `JobsViews`.
 */
export namespace JobsViews {
  /**
   * Options of the views manager.
   */
  export interface IOptions {
    /**
     * The application.
     */
    app: JupyterFrontEnd;
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Chart colours of the theme.
     */
    theme: ChartTheme;
    /**
     * What the views do to runs, definitions and sweeps.
     */
    actions: IJobsViewsActions;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The trackers of the views.
     */
    trackers: IJobsTrackers;
  }
}
