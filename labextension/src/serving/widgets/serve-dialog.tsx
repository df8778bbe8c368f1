import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IEndpoint } from '../../api/types';
import { FormBody } from '../../shared/widgets/form-body';
import type { IMLXClient } from '../../tokens';
import { LiveServeForm } from '../components/serve-form';
import { ServeFormState } from '../state/serve-form';

/**
 * Index of the Serve button (the default).
 */
const SERVE_BUTTON = 1;

/**
 * The body of the Serve dialog: the form of its state.
 */
export class ServeFormBody extends FormBody<IEndpoint, ServeFormState> {
  /**
   * @param state - The form shown; the body owns it.
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(
    state: ServeFormState,
    private readonly _trans: TranslationBundle
  ) {
    super(state);
    this.addClass('jp-mlx-ServeFormBody');
  }

  protected render(): JSX.Element {
    return <LiveServeForm state={this.state} trans={this._trans} />;
  }
}

/**
 * The Serve dialog: an endpoint's name (the model's by default), the model
 * URI and an optional port. Serve closes it only once the server created
 * the endpoint: a refusal stays open with the error beside its field.
 */
export class ServeDialog extends Dialog<IEndpoint | null> {
  /**
   * @param options - The client, the model proposed, the translation
   * bundle.
   */
  constructor(options: ServeDialog.IOptions) {
    const { trans } = options;
    const state = new ServeFormState(options);
    super({
      title: trans.__('Serve a Model'),
      body: new ServeFormBody(state, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({
          label: trans.__('Serve'),
          caption: trans.__(
            'Start an endpoint serving the model in its own process'
          )
        })
      ],
      defaultButton: SERVE_BUTTON,
      focusNodeSelector: 'input'
    });
    this.addClass('jp-mlx-ServeDialog');
    this.state = state;
    state.changed.connect(this._onStateChanged, this);
  }

  /**
   * The form shown.
   */
  readonly state: ServeFormState;

  /**
   * Serve (the default) submits first and closes once the endpoint exists.
   */
  resolve(index: number = SERVE_BUTTON): void {
    if (index !== SERVE_BUTTON || this.state.created !== null) {
      super.resolve(index);
      return;
    }
    void this.state.submit().then(created => {
      if (created !== null && !this.isDisposed) {
        super.resolve(index);
      }
    });
  }

  /**
   * Show a submission in flight on the Serve button.
   */
  private _onStateChanged(): void {
    const serve = this.node.querySelectorAll<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-Dialog-button'
    )[SERVE_BUTTON];
    if (serve) {
      serve.disabled = this.state.submitting;
    }
  }
}

/**
 * Types of `ServeDialog`.
 */
export namespace ServeDialog {
  /**
   * Options of the dialog.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The model proposed.
     */
    modelUri?: string;
    /**
     * The name proposed; default: the model's.
     */
    name?: string;
  }
}

/**
 * Ask for an endpoint and create it.
 *
 * @returns The endpoint (`starting`), or `null` when the user cancelled.
 */
export async function showServeDialog(
  options: ServeDialog.IOptions
): Promise<IEndpoint | null> {
  const dialog = new ServeDialog(options);
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
