import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import type { IJobRun } from '../api/types';
import { DEFAULT_IDLE_INTERVAL } from '../shared/state/polled';
import { addToMainArea, revealTracked } from '../shared/widgets/main-area';
import type { IMLXClient } from '../tokens';
import { JobRunState } from './state/run';
import { DEFAULT_ACTIVE_INTERVAL } from './state/runs';
import type { IJobsTrackers } from './trackers';
import { showJobFormDialog } from './widgets/job-form-dialog';
import { JobRunView } from './widgets/job-run-view';
import { JobOutputViewer } from './widgets/output-viewer';

/**
 * What the views do to runs, and how they reach the Experiments view.
 */
export interface IJobsViewsActions {
  /**
   * Stop a run.
   */
  stop(run: IJobRun): Promise<IJobRun | null>;
  /**
   * Run a run's notebook again with the same parameters.
   */
  rerun(run: IJobRun): Promise<IJobRun | null>;
  /**
   * Whether MLflow runs can be opened.
   */
  canOpenMLflowRun(): boolean;
  /**
   * Open an MLflow run in the Experiments view.
   */
  openMLflowRun(mlflowRunId: string): void;
}

/**
 * The main-area views of the jobs feature: one view per job run and one
 * output viewer per run, each revealed again rather than opened twice, and
 * restored with the layout; and the "Run with Parameters" dialog.
 */
export class JobsViews implements IDisposable {
  /**
   * @param options - The application, client, trackers, actions and
   * translation bundle.
   */
  constructor(options: JobsViews.IOptions) {
    this._app = options.app;
    this._client = options.client;
    this._trans = options.trans;
    this._actions = options.actions;
    this.trackers = options.trackers;
  }

  /**
   * The trackers of the open views.
   */
  readonly trackers: IJobsTrackers;

  /**
   * Seconds between two refreshes of an ended run.
   */
  get refreshInterval(): number {
    return this._refreshInterval;
  }
  set refreshInterval(seconds: number) {
    this._refreshInterval = seconds;
    this.trackers.runs.forEach(
      w => (w.content.state.refreshInterval = seconds)
    );
  }

  /**
   * Seconds between two refreshes of an active run.
   */
  get activeRefreshInterval(): number {
    return this._activeRefreshInterval;
  }
  set activeRefreshInterval(seconds: number) {
    this._activeRefreshInterval = seconds;
    this.trackers.runs.forEach(
      w => (w.content.state.activeRefreshInterval = seconds)
    );
  }

  /**
   * Whether the views manager is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask for a notebook's parameters and run options, and queue the run.
   *
   * @returns The created run, or `null` when the user cancelled.
   */
  showRunDialog(path: string): Promise<IJobRun | null> {
    return showJobFormDialog({
      client: this._client,
      path,
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
    const state = new JobRunState({
      client: this._client,
      runId,
      refreshInterval: this._refreshInterval,
      activeRefreshInterval: this._activeRefreshInterval
    });
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
        openNotebook: path => {
          this._app.commands
            .execute('docmanager:open', { path })
            .catch(reason =>
              console.error('jupyter-mlx: cannot open the notebook', reason)
            );
        },
        openOutput: (id, cellIndex) => void this.openOutput(id, cellIndex),
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
   * Show a run's newer state in its open view.
   */
  update(run: IJobRun): void {
    this._runView(run.id)?.content.state.update(run);
  }

  /**
   * Close the views of a deleted run.
   */
  close(runId: string): void {
    this._runView(runId)?.dispose();
    this.trackers.outputs.find(w => w.content.runId === runId)?.dispose();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.trackers.runs.dispose();
    this.trackers.outputs.dispose();
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

  private _actions: IJobsViewsActions;
  private _activeRefreshInterval = DEFAULT_ACTIVE_INTERVAL;
  private _app: JupyterFrontEnd;
  private _client: IMLXClient;
  private _isDisposed = false;
  private _refreshInterval = DEFAULT_IDLE_INTERVAL;
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
     * What the views do to runs.
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
