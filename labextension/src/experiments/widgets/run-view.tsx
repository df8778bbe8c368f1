import React from 'react';

import { ChartStateWidget } from '../../shared/widgets/state-widget';
import { RunDetails } from '../components/run-details';
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
}

/**
 * The view of one run in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunView extends ChartStateWidget<RunState> {
  /**
   * @param options - The run, the chart theme, the actions and the
   * translation bundle.
   */
  constructor(options: RunView.IOptions) {
    super(options);
    this._actions = options.actions;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-RunView');
    this.state.changed.connect(this._updateTitle, this);
    this._updateTitle();
  }

  protected renderState(): JSX.Element {
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
        trans={this.trans}
      />
    );
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
  }
}
