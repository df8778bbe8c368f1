import React from 'react';

import { RunDetails } from '../components/run-details';
import type { RunModel } from '../state/run';
import { ChartModelWidget } from './model-widget';

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
}

/**
 * The view of one run in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunView extends ChartModelWidget<RunModel> {
  /**
   * @param options - The run, the chart theme, the actions and the
   * translation bundle.
   */
  constructor(options: RunView.IOptions) {
    super(options);
    this._actions = options.actions;
    this.addClass('jp-mlx-RunView');
    this.model.changed.connect(this._updateTitle, this);
    this._updateTitle();
  }

  protected renderModel(): JSX.Element {
    return (
      <RunDetails
        run={this.model.run}
        metrics={this.model.metrics}
        artifactFolder={this.model.artifactFolder}
        artifacts={this.model.artifacts}
        error={this.model.error?.message ?? null}
        refreshing={this.model.refreshing}
        colors={this.theme.colors}
        onOpenNotebook={path => this._actions.openNotebook(path)}
        onBrowse={path => void this.model.browse(path)}
        onOpenArtifact={(path, asNotebook) =>
          this._actions.openArtifact(this.model.runId, path, asNotebook)
        }
        onRefresh={() => void this.model.refresh()}
        trans={this.trans}
      />
    );
  }

  private _updateTitle(): void {
    const run = this.model.run;
    const name = run?.run_name || this.model.runId;
    this.title.label = this.trans.__('Run %1', name);
    this.title.caption = this.trans.__('MLflow run %1', this.model.runId);
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
  export interface IOptions extends ChartModelWidget.IOptions<RunModel> {
    /**
     * What the view does on the user's behalf.
     */
    actions: IRunViewActions;
  }
}
