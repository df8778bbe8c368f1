import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import { CommandIDs as JobsCommandIDs } from '../jobs/commands';
import { CommandIDs as ModelsCommandIDs } from '../models/commands';
import { CommandIDs as ServingCommandIDs } from '../serving/commands';
import type { ChartTheme } from '../shared/charts/theme';
import {
  DEFAULT_ACTIVE_INTERVAL,
  DEFAULT_IDLE_INTERVAL,
  type PolledState
} from '../shared/state/polled';
import { addToMainArea, revealTracked } from '../shared/widgets/main-area';
import type { IMLXClient } from '../tokens';
import {
  type IReproduceOptions,
  notifyReproductionEnd,
  reproduceRun
} from './reproduce';
import { RunComparisonState } from './state/comparison';
import { ReproductionState } from './state/reproduction';
import { RunState } from './state/run';
import { RunModelsState } from './state/run-models';
import type { IExperimentsTrackers } from './trackers';
import { ArtifactViewer } from './widgets/artifact-viewer';
import { RunComparisonView } from './widgets/run-comparison-view';
import { RunView } from './widgets/run-view';

/**
 * The main-area views of the experiments feature: one view per run, one per
 * comparison and one per artifact, each revealed again rather than opened
 * twice, and restored with the layout.
 */
export class ExperimentsViews implements IDisposable {
  /**
   * @param options - The application, client, chart theme and translation
   * bundle.
   */
  constructor(options: ExperimentsViews.IOptions) {
    this._app = options.app;
    this._client = options.client;
    this._theme = options.theme;
    this._trans = options.trans;
    this.trackers = options.trackers;
  }

  /**
   * The trackers of the open views.
   */
  readonly trackers: IExperimentsTrackers;

  /**
   * Seconds between two refreshes of an ended run or comparison.
   */
  get refreshInterval(): number {
    return this._refreshInterval;
  }
  set refreshInterval(seconds: number) {
    this._refreshInterval = seconds;
    this._states().forEach(state => (state.refreshInterval = seconds));
  }

  /**
   * Seconds between two refreshes of an active run or comparison.
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
   * Open the view of a run, or reveal it when it is open.
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
    const state = new RunState({ ...this._stateOptions(), runId });
    const reproduction = new ReproductionState({
      ...this._stateOptions(),
      runId
    });
    const reproducing: IReproduceOptions = {
      runName: () => state.run?.run_name || runId,
      openJobRun: jobRunId => this._openJobRun(jobRunId),
      compareRuns: runIds => void this.compareRuns(runIds),
      trans: this._trans
    };
    // The notifications end with the reproduction, which the view owns.
    notifyReproductionEnd(reproduction, reproducing);
    const content = new RunView({
      state,
      reproduction,
      models: new RunModelsState({ client: this._client, runId }),
      theme: this._theme,
      trans: this._trans,
      actions: {
        openNotebook: path => {
          this._app.commands
            .execute('docmanager:open', { path })
            .catch(reason =>
              console.error('jupyter-mlx: cannot open the notebook', reason)
            );
        },
        openArtifact: (id, path, asNotebook) =>
          void this.openArtifact(id, path, asNotebook),
        reproduce: () => void reproduceRun(reproduction, reproducing),
        openJobRun: reproducing.openJobRun,
        compareRuns: reproducing.compareRuns,
        promoteModel: artifactPath => {
          this._app.commands
            .execute(ModelsCommandIDs.promoteModel, {
              run_id: runId,
              artifact_path: artifactPath
            })
            .catch(reason =>
              console.error('jupyter-mlx: cannot promote the model', reason)
            );
        },
        serveModel: modelUri => {
          this._app.commands
            .execute(ServingCommandIDs.serveModel, { model_uri: modelUri })
            .catch(reason =>
              console.error('jupyter-mlx: cannot serve the model', reason)
            );
        }
      }
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.runs,
      content,
      `jp-mlx-run-${runId}`
    );
    void state.start();
  }

  /**
   * Open the comparison of runs, or reveal it when the same runs are
   * compared already.
   */
  async compareRuns(runIds: string[]): Promise<void> {
    const key = [...runIds].sort().join(',');
    const sameRuns = (w: MainAreaWidget<RunComparisonView>) =>
      [...w.content.state.runIds].sort().join(',') === key;
    if (revealTracked(this._app.shell, this.trackers.comparisons, sameRuns)) {
      return;
    }
    const state = new RunComparisonState({ ...this._stateOptions(), runIds });
    const content = new RunComparisonView({
      state,
      theme: this._theme,
      trans: this._trans,
      openRun: runId => void this.openRun(runId)
    });
    await addToMainArea(
      this._app.shell,
      this.trackers.comparisons,
      content,
      `jp-mlx-comparison-${++this._counter}`
    );
    void state.start();
  }

  /**
   * Open an artifact of a run in a viewer, or reveal it when it is open.
   *
   * @param asNotebook - Render a notebook artifact as HTML.
   */
  async openArtifact(
    runId: string,
    path: string,
    asNotebook: boolean
  ): Promise<void> {
    const samePath = (w: MainAreaWidget<ArtifactViewer>) =>
      w.content.runId === runId && w.content.path === path;
    if (revealTracked(this._app.shell, this.trackers.artifacts, samePath)) {
      return;
    }
    const content = new ArtifactViewer({
      client: this._client,
      runId,
      path,
      kind: asNotebook ? 'notebook' : undefined,
      trans: this._trans
    });
    // The run's short id tells a snapshot's tab from its notebook's own.
    content.title.label = `${path.split('/').pop() || path} · ${runId.slice(0, 8)}`;
    content.title.caption = this._trans.__('%1 of run %2', path, runId);
    await addToMainArea(
      this._app.shell,
      this.trackers.artifacts,
      content,
      `jp-mlx-artifact-${++this._counter}`
    );
    await content.load();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.trackers.runs.dispose();
    this.trackers.comparisons.dispose();
    this.trackers.artifacts.dispose();
  }

  /**
   * Open a job run's view through the jobs commands (absent when the server
   * runs no jobs).
   */
  private _openJobRun(jobRunId: string): void {
    if (!this._app.commands.hasCommand(JobsCommandIDs.openJobRun)) {
      return;
    }
    this._app.commands
      .execute(JobsCommandIDs.openJobRun, { job_run_id: jobRunId })
      .catch(reason =>
        console.error('jupyter-mlx: cannot open the job run', reason)
      );
  }

  /**
   * What every run and comparison state is built with.
   */
  private _stateOptions() {
    return {
      client: this._client,
      refreshInterval: this._refreshInterval,
      activeRefreshInterval: this._activeRefreshInterval
    };
  }

  private _states(): PolledState[] {
    const states: PolledState[] = [];
    this.trackers.runs.forEach(w => {
      states.push(w.content.state);
      if (w.content.reproduction) {
        states.push(w.content.reproduction);
      }
    });
    this.trackers.comparisons.forEach(w => states.push(w.content.state));
    return states;
  }

  private _activeRefreshInterval = DEFAULT_ACTIVE_INTERVAL;
  private _app: JupyterFrontEnd;
  private _client: IMLXClient;
  private _counter = 0;
  private _isDisposed = false;
  private _refreshInterval = DEFAULT_IDLE_INTERVAL;
  private _theme: ChartTheme;
  private _trans: TranslationBundle;
}

/**
 * Types of `ExperimentsViews`.
 */
export namespace ExperimentsViews {
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
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The trackers of the views.
     */
    trackers: IExperimentsTrackers;
  }
}
