import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import type { IEnvironment } from '../../api/types';
import { StateWidget } from '../../shared/widgets/state-widget';
import { EnvironmentsList } from '../components/environments-list';
import type { EnvironmentsState } from '../state/environments';

/**
 * What the Environments section does on the user's behalf.
 */
export interface IEnvironmentsPanelActions {
  /**
   * Ask for a new environment.
   */
  create(): void;
  /**
   * Solve an environment's spec into a lock.
   */
  lock(environment: IEnvironment): void;
  /**
   * Install an environment from its lock.
   */
  install(environment: IEnvironment): void;
  /**
   * Remove an environment, after asking.
   */
  remove(environment: IEnvironment): void;
  /**
   * Show an environment's lock against the previous lock.
   */
  showLockDiff(environment: IEnvironment): void;
  /**
   * Open a file in the editor.
   */
  openPath(path: string): void;
}

/**
 * The "Environments" section of the MLX sidebar: the environments of the
 * workspace and the specs that cannot be read. The panel owns its state,
 * whose list refreshes only while the panel is visible.
 */
export class EnvironmentsPanel extends StateWidget<EnvironmentsState> {
  /**
   * @param state - The environments to show.
   * @param actions - What the panel does on the user's behalf.
   * @param translator - The application's translator.
   */
  constructor(
    state: EnvironmentsState,
    actions: IEnvironmentsPanelActions,
    translator: ITranslator
  ) {
    super(state, translator.load('jupyter_mlx'));
    this._actions = actions;
    this.id = 'jp-mlx-environments';
    this.addClass('jp-mlx-EnvironmentsPanel');
    this.title.label = this.trans.__('Environments');
  }

  protected renderState(): JSX.Element {
    const { state, _actions: actions } = this;
    return (
      <EnvironmentsList
        environments={state.environments}
        problems={state.problems}
        loaded={state.loaded}
        refreshing={state.refreshing}
        error={state.error?.message ?? null}
        highlighted={state.highlighted}
        busy={name => state.busy(name)}
        failure={name => state.failure(name)}
        logOf={name => state.logOf(name)}
        onShowLog={environment => state.showLog(environment)}
        onHideLog={name => state.hideLog(name)}
        onLock={environment => actions.lock(environment)}
        onInstall={environment => actions.install(environment)}
        onOpenSpec={environment => actions.openPath(environment.spec_path)}
        onOpenLock={environment => {
          if (environment.lock_path !== null) {
            actions.openPath(environment.lock_path);
          }
        }}
        onLockDiff={environment => actions.showLockDiff(environment)}
        onRemove={environment => actions.remove(environment)}
        onOpenPath={path => actions.openPath(path)}
        onCreate={() => actions.create()}
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _actions: IEnvironmentsPanelActions;
}
