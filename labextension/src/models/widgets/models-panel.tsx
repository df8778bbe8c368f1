import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import React from 'react';

import { commandExecutor } from '../../core/commands';
import { StateWidget } from '../../shared/widgets/state-widget';
import { CommandIDs as ExperimentsCommandIDs } from '../../experiments/commands';
import { CommandIDs as ServingCommandIDs } from '../../serving/commands';
import { CommandIDs } from '../commands';
import { ModelsList } from '../components/models-list';
import type { ModelsState } from '../state/models';

/**
 * The "Models" section of the MLX sidebar: the registered models, each with
 * its aliases, versions and alias history. The panel owns its state, whose
 * list refreshes only while the panel is visible; its actions are the
 * models commands.
 */
export class ModelsPanel extends StateWidget<ModelsState> {
  /**
   * @param options - The state shown, the command registry and the
   * translation bundle.
   */
  constructor(options: ModelsPanel.IOptions) {
    super(options.state, options.trans);
    this._execute = commandExecutor(options.commands);
    this.id = 'jp-mlx-models';
    this.addClass('jp-mlx-ModelsPanel');
    this.title.label = this.trans.__('Models');
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    const run = (
      command: string,
      args: ReadonlyPartialJSONObject,
      failure: string
    ): void => this._execute(command, args, failure);
    return (
      <ModelsList
        models={state.models}
        truncated={state.truncated}
        search={state.search}
        loaded={state.loaded}
        refreshing={state.refreshing}
        error={state.error?.message ?? null}
        isExpanded={name => state.isExpanded(name)}
        detail={name => state.detail(name)}
        history={name => state.history(name)}
        detailError={name => state.detailError(name)}
        onSearch={search => (state.search = search)}
        onExpand={(name, expanded) => {
          if (expanded) {
            void state.expand(name);
          } else {
            state.collapse(name);
          }
        }}
        onOpenModel={name =>
          run(CommandIDs.openModel, { name }, 'cannot open the model view')
        }
        onMoveAlias={(name, target) =>
          run(
            CommandIDs.moveModelAlias,
            { name, ...target },
            'cannot move the alias'
          )
        }
        onRollback={(name, alias) =>
          run(
            CommandIDs.rollbackModelAlias,
            { name, alias },
            'cannot roll back the alias'
          )
        }
        onRemoveAlias={(name, alias) =>
          run(
            CommandIDs.removeModelAlias,
            { name, alias },
            'cannot remove the alias'
          )
        }
        onCopyUri={uri =>
          run(CommandIDs.copyModelUri, { uri }, 'cannot copy the model URI')
        }
        onServe={(uri, name) =>
          run(
            ServingCommandIDs.serveModel,
            { model_uri: uri, name },
            'cannot serve the model'
          )
        }
        onOpenRun={runId =>
          run(
            ExperimentsCommandIDs.openRun,
            { run_id: runId },
            'cannot open the run'
          )
        }
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _execute: ReturnType<typeof commandExecutor>;
}

/**
 * Types of `ModelsPanel`.
 */
export namespace ModelsPanel {
  /**
   * Options of the models panel.
   */
  export interface IOptions {
    /**
     * The models shown; the panel owns it.
     */
    state: ModelsState;
    /**
     * The application's command registry: the panel's actions are commands.
     */
    commands: CommandRegistry;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
