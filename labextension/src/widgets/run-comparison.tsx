import React from 'react';

import { RunComparison } from '../components/run-comparison';
import type { RunComparisonModel } from '../state/comparison';
import { ChartModelWidget } from './model-widget';

/**
 * The comparison of runs in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunComparisonView extends ChartModelWidget<RunComparisonModel> {
  /**
   * @param options - The comparison, the chart theme, how to open a run and
   * the translation bundle.
   */
  constructor(options: RunComparisonView.IOptions) {
    super(options);
    this._openRun = options.openRun;
    this.addClass('jp-mlx-RunComparisonView');
    this.title.label = this.trans._n(
      'Compare %1 run',
      'Compare %1 runs',
      this.model.runIds.length
    );
    this.title.caption = this.model.runIds.join(', ');
  }

  protected renderModel(): JSX.Element {
    return (
      <RunComparison
        comparison={this.model.comparison}
        error={this.model.error?.message ?? null}
        refreshing={this.model.refreshing}
        colors={this.theme.colors}
        onOpenRun={runId => this._openRun(runId)}
        onRefresh={() => void this.model.refresh()}
        trans={this.trans}
      />
    );
  }

  private _openRun: (runId: string) => void;
}

/**
 * Types of `RunComparisonView`.
 */
export namespace RunComparisonView {
  /**
   * Options of a comparison view: the comparison shown (the view owns it),
   * the chart theme and the translation bundle, and how to open a run.
   */
  export interface IOptions extends ChartModelWidget.IOptions<RunComparisonModel> {
    /**
     * Open one run.
     */
    openRun: (runId: string) => void;
  }
}
