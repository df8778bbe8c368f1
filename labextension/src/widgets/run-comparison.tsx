import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { ChartTheme } from '../charts/theme';
import { RunComparison } from '../components/run-comparison';
import type { RunComparisonModel } from '../state/comparison';
import { ModelWidget } from './model-widget';

/**
 * The comparison of runs in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunComparisonView extends ModelWidget<RunComparisonModel> {
  /**
   * @param options - The comparison, the chart theme, how to open a run and
   * the translation bundle.
   */
  constructor(options: RunComparisonView.IOptions) {
    super(options.model);
    this._theme = options.theme;
    this._openRun = options.openRun;
    this._trans = options.trans;
    this.addClass('jp-mlx-RunComparisonView');
    this.title.label = this._trans._n(
      'Compare %1 run',
      'Compare %1 runs',
      this.model.runIds.length
    );
    this.title.caption = this.model.runIds.join(', ');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._theme.changed}>
        {() => (
          <UseSignal signal={this.model.changed}>
            {() => (
              <RunComparison
                comparison={this.model.comparison}
                error={this.model.error?.message ?? null}
                refreshing={this.model.refreshing}
                colors={this._theme.colors}
                onOpenRun={runId => this._openRun(runId)}
                onRefresh={() => void this.model.refresh()}
                trans={this._trans}
              />
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
  }

  private _openRun: (runId: string) => void;
  private _theme: ChartTheme;
  private _trans: TranslationBundle;
}

/**
 * Types of `RunComparisonView`.
 */
export namespace RunComparisonView {
  /**
   * Options of a comparison view.
   */
  export interface IOptions {
    /**
     * The comparison shown; the view owns it.
     */
    model: RunComparisonModel;
    /**
     * Chart colours of the theme.
     */
    theme: ChartTheme;
    /**
     * Open one run.
     */
    openRun: (runId: string) => void;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
