import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React from 'react';

import { ServerStatus } from '../components/server-status';
import type { ServerStatusModel } from '../state/status';

/**
 * The "Server status" section of the MLX sidebar.
 *
 * The panel owns its model: disposing the panel disposes the model. The model
 * only polls while the panel is visible.
 */
export class ServerStatusPanel extends ReactWidget {
  /**
   * @param model - The server status to show.
   * @param translator - The application's translator.
   */
  constructor(model: ServerStatusModel, translator: ITranslator) {
    super();
    this._model = model;
    this._trans = translator.load('jupyter_mlx');
    this.id = 'jp-mlx-server-status';
    this.addClass('jp-mlx-ServerStatusPanel');
    this.title.label = this._trans.__('Server status');
    this._model.active = false;
  }

  /**
   * The server status shown.
   */
  get model(): ServerStatusModel {
    return this._model;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._model.active = this.isVisible;
  }

  protected onBeforeDetach(msg: Message): void {
    this._model.active = false;
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._model.active = false;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <ServerStatus
            config={this._model.config}
            error={this._model.error?.message ?? null}
            refreshing={this._model.refreshing}
            onRefresh={() => void this._model.refresh()}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private _model: ServerStatusModel;
  private _trans: TranslationBundle;
}
