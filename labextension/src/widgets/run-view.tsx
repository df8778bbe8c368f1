import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { ChartTheme } from '../charts/theme';
import { RunDetails } from '../components/run-details';
import type { RunModel } from '../state/run';
import { ModelWidget } from './model-widget';

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
export class RunView extends ModelWidget<RunModel> {
  /**
   * @param options - The run, the chart theme, the actions and the
   * translation bundle.
   */
  constructor(options: RunView.IOptions) {
    super(options.model);
    this._theme = options.theme;
    this._actions = options.actions;
    this._trans = options.trans;
    this.addClass('jp-mlx-RunView');
    this.model.changed.connect(this._updateTitle, this);
    this._updateTitle();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._theme.changed}>
        {() => (
          <UseSignal signal={this.model.changed}>
            {() => (
              <RunDetails
                run={this.model.run}
                metrics={this.model.metrics}
                artifactFolder={this.model.artifactFolder}
                artifacts={this.model.artifacts}
                error={this.model.error?.message ?? null}
                refreshing={this.model.refreshing}
                colors={this._theme.colors}
                onOpenNotebook={path => this._actions.openNotebook(path)}
                onBrowse={path => void this.model.browse(path)}
                onOpenArtifact={(path, asNotebook) =>
                  this._actions.openArtifact(this.model.runId, path, asNotebook)
                }
                onRefresh={() => void this.model.refresh()}
                trans={this._trans}
              />
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
  }

  private _updateTitle(): void {
    const run = this.model.run;
    const name = run?.run_name || this.model.runId;
    this.title.label = this._trans.__('Run %1', name);
    this.title.caption = this._trans.__('MLflow run %1', this.model.runId);
  }

  private _actions: IRunViewActions;
  private _theme: ChartTheme;
  private _trans: TranslationBundle;
}

/**
 * Types of `RunView`.
 */
export namespace RunView {
  /**
   * Options of a run view.
   */
  export interface IOptions {
    /**
     * The run shown; the view owns it.
     */
    model: RunModel;
    /**
     * Chart colours of the theme.
     */
    theme: ChartTheme;
    /**
     * What the view does on the user's behalf.
     */
    actions: IRunViewActions;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
