import React from 'react';

import { ChartStateWidget } from '../../shared/widgets/state-widget';
import { RunComparison } from '../components/run-comparison';
import type { RunComparisonState } from '../state/comparison';

/**
 * The comparison of runs in the main area (wrapped in a `MainAreaWidget`).
 */
export class RunComparisonView extends ChartStateWidget<RunComparisonState> {
  /**
   * @param options - The comparison, the chart theme, how to open a run and
   * the translation bundle.
   */
  constructor(options: RunComparisonView.IOptions) {
    super(options);
    this._openRun = options.openRun;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-RunComparisonView');
    this.title.label = this.trans._n(
      'Compare %1 run',
      'Compare %1 runs',
      this.state.runIds.length
    );
    this.title.caption = this.state.runIds.join(', ');
  }

  protected renderState(): JSX.Element {
    return (
      <RunComparison
        comparison={this.state.comparison}
        error={this.state.error?.message ?? null}
        refreshing={this.state.refreshing}
        colors={this.theme.colors}
        onOpenRun={runId => this._openRun(runId)}
        onRefresh={() => void this.state.refresh()}
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
  export interface IOptions extends ChartStateWidget.IOptions<RunComparisonState> {
    /**
     * Open one run.
     */
    openRun: (runId: string) => void;
  }
}
