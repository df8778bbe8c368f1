import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Panel } from '@lumino/widgets';
import React from 'react';

import type { IJobDefinition, IJobRun } from '../../api/types';
import { StateWidget } from '../../shared/widgets/state-widget';
import {
  JobDefinitionsList,
  definitionActionsOf
} from '../components/job-definitions-list';
import { JobRunsList, runsListOf } from '../components/job-runs-list';
import { SweepsList } from '../components/sweeps-list';
import type { JobDefinitionsState } from '../state/definitions';
import type { JobRunsState } from '../state/runs';
import type { SweepsState } from '../state/sweeps';

/**
 * What the Jobs section does on the user's behalf.
 */
export interface IJobsPanelActions {
  /**
   * Open a run's view.
   */
  openRun(runId: string): void;
  /**
   * Stop a queued or running run.
   */
  stop(run: IJobRun): void;
  /**
   * Run the notebook again with the same parameters and options.
   */
  rerun(run: IJobRun): void;
  /**
   * Delete a run that has ended, after asking.
   */
  delete(run: IJobRun): void;
  /**
   * Open a definition's view.
   */
  openDefinition(jobId: string): void;
  /**
   * Run a definition now.
   */
  trigger(definition: IJobDefinition): void;
  /**
   * Pause a definition's schedule.
   */
  pause(definition: IJobDefinition): void;
  /**
   * Resume a definition's schedule.
   */
  resume(definition: IJobDefinition): void;
  /**
   * Change a definition in the Schedule dialog.
   */
  edit(definition: IJobDefinition): void;
  /**
   * Take a new copy of a definition's notebook.
   */
  updateFromNotebook(definition: IJobDefinition): void;
  /**
   * Delete a definition, after asking whether to keep its runs.
   */
  deleteDefinition(definition: IJobDefinition): void;
  /**
   * Open a sweep's view.
   */
  openSweep(sweepId: string): void;
}

/**
 * The states the Jobs section shows.
 */
export interface IJobsPanelStates {
  /**
   * The job definitions ("Schedules").
   */
  definitions: JobDefinitionsState;
  /**
   * The recent sweeps.
   */
  sweeps: SweepsState;
  /**
   * The job runs of all notebooks.
   */
  runs: JobRunsState;
}

/**
 * The "Jobs" section of the MLX sidebar: the schedules, the recent sweeps
 * and the runs of all jobs, newest first. Each part owns its state, which
 * lists only while the section is visible (the definitions and the runs
 * keep watching what is to be notified).
 */
export class JobsPanel extends Panel {
  /**
   * @param states - The schedules, sweeps and runs to show.
   * @param actions - What the section does on the user's behalf.
   * @param translator - The application's translator.
   */
  constructor(
    states: IJobsPanelStates,
    actions: IJobsPanelActions,
    translator: ITranslator
  ) {
    super();
    const trans = translator.load('jupyter_mlx');
    this.id = 'jp-mlx-jobs';
    this.addClass('jp-mlx-JobsSection');
    this.title.label = trans.__('Jobs');
    this.addWidget(new DefinitionsPart(states.definitions, actions, trans));
    this.addWidget(new SweepsPart(states.sweeps, actions, trans));
    this.addWidget(new RunsPart(states.runs, actions, trans));
  }
}

/**
 * The schedules of the Jobs section.
 */
class DefinitionsPart extends StateWidget<JobDefinitionsState> {
  constructor(
    state: JobDefinitionsState,
    private readonly _actions: IJobsPanelActions,
    trans: TranslationBundle
  ) {
    super(state, trans);
  }

  protected renderState(): JSX.Element {
    const { state, _actions: actions } = this;
    return (
      <JobDefinitionsList
        definitions={state.definitions}
        loaded={state.loaded}
        error={state.error?.message ?? null}
        highlighted={state.highlighted}
        onOpen={jobId => actions.openDefinition(jobId)}
        onOpenRun={runId => actions.openRun(runId)}
        {...definitionActionsOf(actions, definition =>
          actions.deleteDefinition(definition)
        )}
        trans={this.trans}
      />
    );
  }
}

/**
 * The recent sweeps of the Jobs section.
 */
class SweepsPart extends StateWidget<SweepsState> {
  constructor(
    state: SweepsState,
    private readonly _actions: IJobsPanelActions,
    trans: TranslationBundle
  ) {
    super(state, trans);
  }

  protected renderState(): JSX.Element {
    return (
      <SweepsList
        sweeps={this.state.sweeps}
        error={this.state.error?.message ?? null}
        onOpen={sweepId => this._actions.openSweep(sweepId)}
        trans={this.trans}
      />
    );
  }
}

/**
 * The job runs of the Jobs section.
 */
class RunsPart extends StateWidget<JobRunsState> {
  constructor(
    state: JobRunsState,
    private readonly _actions: IJobsPanelActions,
    trans: TranslationBundle
  ) {
    super(state, trans);
  }

  protected renderState(): JSX.Element {
    const actions = this._actions;
    return (
      <>
        <h3 className="jp-mlx-JobsSection-heading">{this.trans.__('Runs')}</h3>
        <JobRunsList
          {...runsListOf(this.state)}
          onOpen={runId => actions.openRun(runId)}
          onStop={run => actions.stop(run)}
          onRerun={run => actions.rerun(run)}
          onDelete={run => actions.delete(run)}
          trans={this.trans}
        />
      </>
    );
  }
}
