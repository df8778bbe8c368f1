import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import { ServerStatus } from '../components/server-status';
import type { ServerStatusModel } from '../state/status';
import { ModelWidget } from '../widgets/model-widget';

/**
 * The "Server status" section of the MLX sidebar.
 *
 * The panel owns its model: disposing the panel disposes the model. The model
 * only polls while the panel is visible.
 */
export class ServerStatusPanel extends ModelWidget<ServerStatusModel> {
  /**
   * @param model - The server status to show.
   * @param translator - The application's translator.
   */
  constructor(model: ServerStatusModel, translator: ITranslator) {
    super(model, translator.load('jupyter_mlx'));
    this.id = 'jp-mlx-server-status';
    this.addClass('jp-mlx-ServerStatusPanel');
    this.title.label = this.trans.__('Server status');
  }

  protected renderModel(): JSX.Element {
    return (
      <ServerStatus
        config={this.model.config}
        error={this.model.error?.message ?? null}
        refreshing={this.model.refreshing}
        onRefresh={() => void this.model.refresh()}
        trans={this.trans}
      />
    );
  }
}
