import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import { StateWidget } from '../../shared/widgets/state-widget';
import { ServerStatus } from '../components/server-status';
import type { ServerStatusState } from '../state/server-status';

/**
 * The "Server status" section of the MLX sidebar.
 *
 * The panel owns its state: disposing the panel disposes the state. The state
 * only polls while the panel is visible.
 */
export class ServerStatusPanel extends StateWidget<ServerStatusState> {
  /**
   * @param state - The server status to show.
   * @param translator - The application's translator.
   */
  constructor(state: ServerStatusState, translator: ITranslator) {
    super(state, translator.load('jupyter_mlx'));
    this.id = 'jp-mlx-server-status';
    this.addClass('jp-mlx-ServerStatusPanel');
    this.title.label = this.trans.__('Server status');
  }

  protected renderState(): JSX.Element {
    return (
      <ServerStatus
        config={this.state.config}
        error={this.state.error?.message ?? null}
        refreshing={this.state.refreshing}
        onRefresh={() => void this.state.refresh()}
        trans={this.trans}
      />
    );
  }
}
