import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { commandExecutor } from '../../core/commands';
import { StateWidget } from '../../shared/widgets/state-widget';
import { CommandIDs } from '../commands';
import { EndpointsList } from '../components/endpoints-list';
import type { EndpointsState } from '../state/endpoints';

/**
 * The "Endpoints" section of the MLX sidebar: each endpoint with its state,
 * model, versions and request rate. The panel owns its state, which
 * refreshes only while the panel is visible; its actions are the serving
 * commands.
 */
export class EndpointsPanel extends StateWidget<EndpointsState> {
  /**
   * @param options - The state shown, the command registry and the
   * translation bundle.
   */
  constructor(options: EndpointsPanel.IOptions) {
    super(options.state, options.trans);
    this._execute = commandExecutor(options.commands);
    this.id = 'jp-mlx-endpoints';
    this.addClass('jp-mlx-EndpointsPanel');
    this.title.label = this.trans.__('Endpoints');
  }

  protected renderState(): JSX.Element {
    const state = this.state;
    const run = (command: string, name: string, failure: string): void =>
      this._execute(command, { name }, failure);
    return (
      <EndpointsList
        endpoints={state.endpoints}
        rate={name => state.rate(name)}
        loaded={state.loaded}
        refreshing={state.refreshing}
        error={state.error?.message ?? null}
        onOpen={name =>
          run(CommandIDs.openEndpoint, name, 'cannot open the endpoint')
        }
        onRestart={name =>
          run(CommandIDs.restartEndpoint, name, 'cannot restart the endpoint')
        }
        onStop={name =>
          run(CommandIDs.stopEndpoint, name, 'cannot stop the endpoint')
        }
        onDelete={name =>
          run(CommandIDs.deleteEndpoint, name, 'cannot delete the endpoint')
        }
        onRefresh={() => void state.refresh()}
        trans={this.trans}
      />
    );
  }

  private _execute: ReturnType<typeof commandExecutor>;
}

/**
 * Types of `EndpointsPanel`.
 */
export namespace EndpointsPanel {
  /**
   * Options of the endpoints panel.
   */
  export interface IOptions {
    /**
     * The endpoints shown; the panel owns it.
     */
    state: EndpointsState;
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
