import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { ISweep } from '../../api/types';
import { MAX_COMPARED_RUNS } from '../../experiments/commands';
import { StateWidget } from '../../shared/widgets/state-widget';
import { SweepDetails } from '../components/sweep-details';
import type { SweepState } from '../state/sweep';

/**
 * What a sweep view does on the user's behalf.
 */
export interface ISweepViewActions {
  /**
   * Open a trial's job run.
   */
  openRun(runId: string): void;
  /**
   * Open the Experiments comparison of MLflow runs.
   */
  compareRuns(mlflowRunIds: string[]): void;
  /**
   * Stop a running sweep.
   */
  stop(sweep: ISweep): void;
  /**
   * Delete an ended sweep, after asking.
   */
  delete(sweep: ISweep): void;
}

/**
 * The view of one sweep in the main area (wrapped in a `MainAreaWidget`):
 * its node carries the sweep's id in `data-sweep-id` and its status in
 * `data-status`.
 */
export class SweepView extends StateWidget<SweepState> {
  /**
   * @param options - The sweep, the actions and the translation bundle.
   */
  constructor(options: SweepView.IOptions) {
    super(options.state, options.trans);
    this._actions = options.actions;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-SweepView');
    this.node.dataset.sweepId = this.state.sweepId;
    this.state.changed.connect(this._update, this);
    this._update();
  }

  protected renderState(): JSX.Element {
    const { state, _actions: actions } = this;
    const compared = state.mlflowRunIds.slice(0, MAX_COMPARED_RUNS);
    const withSweep = (act: (sweep: ISweep) => void) => () => {
      if (state.sweep) {
        act(state.sweep);
      }
    };
    return (
      <SweepDetails
        sweep={state.sweep}
        error={state.error?.message ?? null}
        refreshing={state.refreshing}
        comparable={compared.length}
        onOpenRun={runId => actions.openRun(runId)}
        onCompare={() => actions.compareRuns(compared)}
        onStop={withSweep(sweep => actions.stop(sweep))}
        onDelete={withSweep(sweep => actions.delete(sweep))}
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _update(): void {
    const sweep = this.state.sweep;
    this.node.dataset.status = sweep?.status ?? 'loading';
    this.title.label = this.trans.__(
      'Sweep %1',
      sweep?.name ?? this.state.sweepId
    );
    this.title.caption = sweep
      ? this.trans.__('Sweep %1 of %2', sweep.name, sweep.notebook)
      : this.trans.__('Sweep %1', this.state.sweepId);
  }

  private _actions: ISweepViewActions;
}

/**
 * Types of `SweepView`.
 */
export namespace SweepView {
  /**
   * Options of a sweep view.
   */
  export interface IOptions {
    /**
     * The sweep shown; the view owns it.
     */
    state: SweepState;
    /**
     * What the view does on the user's behalf.
     */
    actions: ISweepViewActions;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
