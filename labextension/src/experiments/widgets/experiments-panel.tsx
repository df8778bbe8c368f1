import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import { StateWidget } from '../../shared/widgets/state-widget';
import { RunsList } from '../components/runs-list';
import type { ExperimentsState } from '../state/experiments';

/**
 * What the Experiments section does on the user's behalf.
 */
export interface IExperimentsActions {
  /**
   * Open a run's view.
   */
  openRun(runId: string): void;
  /**
   * Open the comparison of runs.
   */
  compareRuns(runIds: string[]): void;
}

/**
 * The "Experiments" section of the MLX sidebar: the runs of the active
 * notebook. The panel owns its state, which polls only while the panel is
 * visible.
 */
export class ExperimentsPanel extends StateWidget<ExperimentsState> {
  /**
   * @param state - The runs to show.
   * @param actions - What the panel does on the user's behalf.
   * @param translator - The application's translator.
   */
  constructor(
    state: ExperimentsState,
    actions: IExperimentsActions,
    translator: ITranslator
  ) {
    super(state, translator.load('jupyter_mlx'));
    this._actions = actions;
    this.id = 'jp-mlx-experiments';
    this.addClass('jp-mlx-ExperimentsPanel');
    this.title.label = this.trans.__('Experiments');
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    return (
      <RunsList
        notebook={state.notebook}
        runs={state.runs}
        loaded={state.loaded}
        refreshing={state.refreshing}
        error={state.error?.message ?? null}
        filter={state.filter}
        filterError={state.filterError}
        order={state.order}
        metricKeys={state.metricKeys}
        pageIndex={state.pageIndex}
        hasNextPage={state.hasNextPage}
        hasPreviousPage={state.hasPreviousPage}
        selected={state.selected}
        onFilter={filter => (state.filter = filter)}
        onOrder={order => (state.order = order)}
        onNextPage={() => void state.nextPage()}
        onPreviousPage={() => void state.previousPage()}
        onSelect={(runId, selected) => state.setSelected(runId, selected)}
        onCompare={() => this._actions.compareRuns([...state.selected])}
        onOpen={runId => this._actions.openRun(runId)}
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _actions: IExperimentsActions;
}
