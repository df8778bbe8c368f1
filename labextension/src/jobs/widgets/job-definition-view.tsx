import React from 'react';

import type { IJobDefinition, IJobRun } from '../../api/types';
import { ChartStateWidget } from '../../shared/widgets/state-widget';
import { JobDefinitionDetails } from '../components/job-definition-details';
import { definitionActionsOf } from '../components/job-definitions-list';
import { LiveJobRunsList } from '../components/job-runs-list';
import type { JobDefinitionState } from '../state/definition';

/**
 * What a definition view does on the user's behalf.
 */
export interface IJobDefinitionViewActions {
  /**
   * Open a notebook by its server path.
   */
  openNotebook(path: string): void;
  /**
   * Open a run's view.
   */
  openRun(runId: string): void;
  /**
   * Stop, re-run or delete one of its runs.
   */
  stopRun(run: IJobRun): void;
  rerun(run: IJobRun): void;
  deleteRun(run: IJobRun): void;
  /**
   * Run the definition now, pause or resume its schedule, edit it, take a
   * new copy of its notebook, or delete it.
   */
  trigger(definition: IJobDefinition): void;
  pause(definition: IJobDefinition): void;
  resume(definition: IJobDefinition): void;
  edit(definition: IJobDefinition): void;
  updateFromNotebook(definition: IJobDefinition): void;
  delete(definition: IJobDefinition): void;
}

/**
 * The view of one job definition in the main area (wrapped in a
 * `MainAreaWidget`): its node carries the definition's id in `data-job-id`
 * and whether it is active in `data-active`.
 */
export class JobDefinitionView extends ChartStateWidget<JobDefinitionState> {
  /**
   * @param options - The definition, the chart theme, the actions and the
   * translation bundle.
   */
  constructor(options: JobDefinitionView.IOptions) {
    super(options);
    this._actions = options.actions;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-JobDefinitionView');
    this.node.dataset.jobId = this.state.jobId;
    this.state.changed.connect(this._update, this);
    this._update();
  }

  protected renderState(): JSX.Element {
    const { state, _actions: actions } = this;
    return (
      <JobDefinitionDetails
        definition={state.definition}
        recentRuns={state.recentRuns}
        comparison={state.comparison}
        comparisonError={state.comparisonError}
        error={state.error?.message ?? null}
        refreshing={state.refreshing}
        colors={this.theme.colors}
        runsTable={
          <LiveJobRunsList
            state={state.runs}
            notebookFilter={false}
            onOpen={runId => actions.openRun(runId)}
            onStop={run => actions.stopRun(run)}
            onRerun={run => actions.rerun(run)}
            onDelete={run => actions.deleteRun(run)}
            trans={this.trans}
          />
        }
        onOpenNotebook={path => actions.openNotebook(path)}
        onOpenRun={runId => actions.openRun(runId)}
        {...definitionActionsOf(actions, definition =>
          actions.delete(definition)
        )}
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _update(): void {
    const definition = this.state.definition;
    this.node.dataset.active = String(definition?.active ?? '');
    this.title.label = definition
      ? this.trans.__('Schedule %1', definition.name)
      : this.trans.__('Schedule %1', this.state.jobId);
    this.title.caption = definition
      ? this.trans.__(
          'Job definition %1 of %2',
          definition.name,
          definition.notebook
        )
      : this.trans.__('Job definition %1', this.state.jobId);
  }

  private _actions: IJobDefinitionViewActions;
}

/**
 * Types of `JobDefinitionView`.
 */
export namespace JobDefinitionView {
  /**
   * Options of a definition view: the definition shown (the view owns it),
   * the chart theme, the translation bundle and the actions.
   */
  export interface IOptions extends ChartStateWidget.IOptions<JobDefinitionState> {
    /**
     * What the view does on the user's behalf.
     */
    actions: IJobDefinitionViewActions;
  }
}
