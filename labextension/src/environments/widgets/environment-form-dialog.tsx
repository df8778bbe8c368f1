import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { FormBody, relabel } from '../../shared/widgets/form-body';
import type { IMLXClient } from '../../tokens';
import { LiveEnvironmentForm } from '../components/environment-form';
import {
  type EnvironmentFormMode,
  EnvironmentFormState,
  type IEnvironmentFormResult
} from '../state/form';

/**
 * Index of the button writing the spec as a file to edit.
 */
const WRITE_FILE_BUTTON = 1;

/**
 * Index of the Create button (the default).
 */
const CREATE_BUTTON = 2;

/**
 * The body of the "New environment" dialog: the form of its state.
 */
export class EnvironmentFormBody extends FormBody<
  IEnvironmentFormResult,
  EnvironmentFormState
> {
  /**
   * @param state - The form shown; the body owns it.
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(
    state: EnvironmentFormState,
    private readonly _trans: TranslationBundle
  ) {
    super(state);
    this.addClass('jp-mlx-EnvironmentFormBody');
  }

  protected render(): JSX.Element {
    return <LiveEnvironmentForm state={this.state} trans={this._trans} />;
  }
}

/**
 * The "New environment" dialog. Create makes the spec from the form's
 * fields; "Write YAML" (or "Write requirements.in") makes it as a file
 * filled from a template, to edit. Either closes only once the server
 * created the spec: a refusal stays open with the error beside its field.
 */
export class EnvironmentFormDialog extends Dialog<IEnvironmentFormResult | null> {
  /**
   * @param options - The client and the translation bundle.
   */
  constructor(options: EnvironmentFormDialog.IOptions) {
    const { trans } = options;
    const state = new EnvironmentFormState(options);
    super({
      title: trans.__('New Environment'),
      body: new EnvironmentFormBody(state, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.createButton({
          label: EnvironmentFormDialog.writeLabel(state, trans),
          caption: trans.__(
            'Write the spec from a template and open it in the editor'
          ),
          accept: true
        }),
        Dialog.okButton({
          label: trans.__('Create'),
          caption: trans.__('Write the spec from the fields')
        })
      ],
      defaultButton: CREATE_BUTTON,
      focusNodeSelector: 'input'
    });
    this.addClass('jp-mlx-EnvironmentFormDialog');
    this.state = state;
    this._trans = trans;
    state.changed.connect(this._onStateChanged, this);
  }

  /**
   * The form shown.
   */
  readonly state: EnvironmentFormState;

  /**
   * Close with the button at `index`; Create (the default) and the write
   * button submit first and close only once the spec was created.
   */
  resolve(index: number = CREATE_BUTTON): void {
    const mode = modeOf(index);
    if (mode === null || this.state.created !== null) {
      super.resolve(index);
      return;
    }
    void this.state.submit(mode).then(created => {
      if (created !== null && !this.isDisposed) {
        super.resolve(index);
      }
    });
  }

  /**
   * Follow the flavour in the write button's label, and show a submission
   * in flight on the buttons.
   */
  private _onStateChanged(): void {
    const buttons = this.node.querySelectorAll<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-Dialog-button'
    );
    buttons.forEach((button, index) => {
      if (index !== 0) {
        button.disabled = this.state.submitting;
      }
    });
    relabel(
      buttons[WRITE_FILE_BUTTON]?.querySelector('.jp-Dialog-buttonLabel'),
      EnvironmentFormDialog.writeLabel(this.state, this._trans)
    );
  }

  private _trans: TranslationBundle;
}

/**
 * Types and helpers of `EnvironmentFormDialog`.
 */
export namespace EnvironmentFormDialog {
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
  }

  /**
   * The label of the button writing the spec as a file to edit.
   */
  export function writeLabel(
    state: EnvironmentFormState,
    trans: TranslationBundle
  ): string {
    return state.draft.flavour === 'pip'
      ? trans.__('Write requirements.in')
      : trans.__('Write YAML');
  }
}

/**
 * How the button at `index` creates the spec, or `null` for Cancel.
 */
function modeOf(index: number): EnvironmentFormMode | null {
  switch (index) {
    case WRITE_FILE_BUTTON:
      return 'file';
    case CREATE_BUTTON:
      return 'fields';
    default:
      return null;
  }
}

/**
 * Ask for a new environment and create its spec.
 *
 * @returns What was created, or `null` when the user cancelled.
 */
export async function showEnvironmentFormDialog(
  options: EnvironmentFormDialog.IOptions
): Promise<IEnvironmentFormResult | null> {
  const dialog = new EnvironmentFormDialog(options);
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
