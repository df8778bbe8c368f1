import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { ChartStateWidget } from '../../shared/widgets/state-widget';
import {
  type IRunReproductionProps,
  RunDetails
} from '../components/run-details';
import type { IRunModelsProps } from '../components/run-models';
import type { ReproductionState } from '../state/reproduction';
import type { RunModelsState } from '../state/run-models';
import type { RunState } from '../state/run';

/**
 * What a run view does on the user's behalf.
 */
export interface IRunViewActions {
  /**
   * Open a notebook by its server path.
   */
  openNotebook(path: string): void;
  /**
   * Open an artifact of the run in a viewer; `asNotebook` renders a notebook.
   */
  openArtifact(runId: string, path: string, asNotebook: boolean): void;
  /**
   * Reproduce the run (through the view's reproduction state).
   */
  reproduce?(): void;
  /**
   * Open the view of a job run.
   */
  openJobRun?(jobRunId: string): void;
  /**
   * Open the comparison of MLflow runs.
   */
  compareRuns?(runIds: string[]): void;
  /**
   * Promote one of the run's models, by its artifact path.
   */
  promoteModel?(artifactPath: string): void;
  /**
   * Serve one of the run's models at an endpoint, by its URI.
   */
  serveModel?(modelUri: string): void;
}

/**
 * The view of one run in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunView extends ChartStateWidget<RunState> {
  /**
   * @param options - The run, its reproduction, the chart theme, the
   * actions and the translation bundle.
   */
  constructor(options: RunView.IOptions) {
    super(options);
    this._actions = options.actions;
    this.reproduction = options.reproduction ?? null;
    this.models = options.models ?? null;
    this.models?.changed.connect(() => this.update(), this);
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-RunView');
    this.state.changed.connect(this._onRunChanged, this);
    this._onRunChanged();
  }

  /**
   * The reproduction of the run started from this view (the view owns it),
   * or `null` when the view offers none.
   */
  readonly reproduction: ReproductionState | null;

  /**
   * The run's models (the view owns them), or `null` when the view shows
   * none.
   */
  readonly models: RunModelsState | null;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.reproduction?.dispose();
    this.models?.dispose();
    super.dispose();
  }

  protected renderState(): JSX.Element {
    const reproduction = this.reproduction;
    if (reproduction === null) {
      return this._renderDetails(undefined);
    }
    return (
      <UseSignal signal={reproduction.changed}>
        {() => this._renderDetails(this._reproductionProps(reproduction))}
      </UseSignal>
    );
  }

  private _renderDetails(
    reproduction: IRunReproductionProps | undefined
  ): JSX.Element {
    return (
      <RunDetails
        run={this.state.run}
        metrics={this.state.metrics}
        artifactFolder={this.state.artifactFolder}
        artifacts={this.state.artifacts}
        error={this.state.error?.message ?? null}
        refreshing={this.state.refreshing}
        colors={this.theme.colors}
        onOpenNotebook={path => this._actions.openNotebook(path)}
        onBrowse={path => void this.state.browse(path)}
        onOpenArtifact={(path, asNotebook) =>
          this._actions.openArtifact(this.state.runId, path, asNotebook)
        }
        onRefresh={() => void this.state.refresh()}
        reproduction={reproduction}
        models={this._modelsProps()}
        trans={this.trans}
      />
    );
  }

  private _reproductionProps(
    reproduction: ReproductionState
  ): IRunReproductionProps {
    const actions = this._actions;
    return {
      submitting: reproduction.submitting,
      failure: reproduction.failure,
      jobRun: reproduction.jobRun,
      warnings: reproduction.reproduction?.warnings ?? [],
      comparison: reproduction.comparison,
      onReproduce: () => actions.reproduce?.(),
      onOpenJobRun: jobRunId => actions.openJobRun?.(jobRunId),
      onCompare: runIds => actions.compareRuns?.([...runIds])
    };
  }

  private _modelsProps(): IRunModelsProps | undefined {
    const models = this.models;
    if (models === null) {
      return undefined;
    }
    return {
      models: models.models,
      error: models.error,
      onPromote: artifactPath => this._actions.promoteModel?.(artifactPath),
      onServe: this._actions.serveModel
        ? modelUri => this._actions.serveModel?.(modelUri)
        : undefined
    };
  }

  private _onRunChanged(): void {
    this._updateTitle();
    void this.models?.sync(this.state.run);
  }

  private _updateTitle(): void {
    const run = this.state.run;
    const name = run?.run_name || this.state.runId;
    this.title.label = this.trans.__('Run %1', name);
    this.title.caption = this.trans.__('MLflow run %1', this.state.runId);
  }

  private _actions: IRunViewActions;
}

/**
 * Types of `RunView`.
 */
export namespace RunView {
  /**
   * Options of a run view: the run shown (the view owns it), the chart theme
   * and the translation bundle, and what the view does on the user's behalf.
   */
  export interface IOptions extends ChartStateWidget.IOptions<RunState> {
    /**
     * What the view does on the user's behalf.
     */
    actions: IRunViewActions;
    /**
     * The reproduction of the run (the view owns it); without one the view
     * offers no Reproduce button.
     */
    reproduction?: ReproductionState | null;
    /**
     * The run's models (the view owns them); without them the view shows
     * no Models block.
     */
    models?: RunModelsState | null;
  }
}
