import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import { RunsList } from '../components/runs-list';
import type { ExperimentsModel } from '../state/experiments';
import { ModelWidget } from '../widgets/model-widget';

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
 * notebook. The panel owns its model, which polls only while the panel is
 * visible.
 */
export class ExperimentsPanel extends ModelWidget<ExperimentsModel> {
  /**
   * @param model - The runs to show.
   * @param actions - What the panel does on the user's behalf.
   * @param translator - The application's translator.
   */
  constructor(
    model: ExperimentsModel,
    actions: IExperimentsActions,
    translator: ITranslator
  ) {
    super(model, translator.load('jupyter_mlx'));
    this._actions = actions;
    this.id = 'jp-mlx-experiments';
    this.addClass('jp-mlx-ExperimentsPanel');
    this.title.label = this.trans.__('Experiments');
  }

  protected renderModel(): JSX.Element {
    const model = this.model;
    return (
      <RunsList
        notebook={model.notebook}
        runs={model.runs}
        loaded={model.loaded}
        refreshing={model.refreshing}
        error={model.error?.message ?? null}
        filter={model.filter}
        filterError={model.filterError}
        order={model.order}
        metricKeys={model.metricKeys}
        pageIndex={model.pageIndex}
        hasNextPage={model.hasNextPage}
        hasPreviousPage={model.hasPreviousPage}
        selected={model.selected}
        onFilter={filter => (model.filter = filter)}
        onOrder={order => (model.order = order)}
        onNextPage={() => void model.nextPage()}
        onPreviousPage={() => void model.previousPage()}
        onSelect={(runId, selected) => model.setSelected(runId, selected)}
        onCompare={() => this._actions.compareRuns([...model.selected])}
        onOpen={runId => this._actions.openRun(runId)}
        onRefresh={() => void model.refresh()}
        trans={this.trans}
      />
    );
  }

  private _actions: IExperimentsActions;
}
