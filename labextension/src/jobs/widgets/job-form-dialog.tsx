import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import type { IJobRun } from '../../api/types';
import type { IMLXClient } from '../../tokens';
import { LiveJobForm } from '../components/job-form';
import { JobFormState } from '../state/form';
import { baseName } from '../status';

/**
 * Index of the Run button among the dialog's buttons (after Cancel).
 */
const RUN_BUTTON = 1;

/**
 * The body of the "Run with Parameters" dialog: the form of its state.
 */
export class JobFormBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IJobRun | null>
{
  /**
   * @param state - The form shown; the body owns it.
   * @param trans - The jupyter-mlx translation bundle.
   * @param submit - Submit the form (as the Run button does).
   */
  constructor(
    readonly state: JobFormState,
    private readonly _trans: TranslationBundle,
    private readonly _submit: () => void
  ) {
    super();
    this.addClass('jp-mlx-JobFormBody');
  }

  /**
   * The run the form created, or `null`.
   */
  getValue(): IJobRun | null {
    return this.state.created;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.state.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <LiveJobForm
        state={this.state}
        onSubmit={this._submit}
        trans={this._trans}
      />
    );
  }
}

/**
 * A dialog that closes on Run only once the run is created: a form with
 * errors, or refused by the server, stays open with the errors beside their
 * fields.
 */
export class JobFormDialog extends Dialog<IJobRun | null> {
  /**
   * @param options - The client, the notebook and the translation bundle.
   */
  constructor(options: JobFormDialog.IOptions) {
    const { trans } = options;
    const state = new JobFormState(options);
    // The body submits through the dialog, which exists only after `super`.
    const submit = { dialog: null as JobFormDialog | null };
    const body = new JobFormBody(state, trans, () =>
      submit.dialog?.resolve(RUN_BUTTON)
    );
    super({
      title: trans.__('Run %1 with Parameters', baseName(options.path)),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Run') })
      ],
      defaultButton: RUN_BUTTON,
      focusNodeSelector: 'input:not([disabled]), select, textarea'
    });
    this.addClass('jp-mlx-JobFormDialog');
    this.state = state;
    submit.dialog = this;
  }

  /**
   * The form shown.
   */
  readonly state: JobFormState;

  /**
   * Close with the button at `index`; Run (the default) submits first and
   * closes only once the run is created.
   */
  resolve(index: number = RUN_BUTTON): void {
    if (index !== RUN_BUTTON || this.state.created !== null) {
      super.resolve(index);
      return;
    }
    void this.state.submit().then(run => {
      if (run !== null && !this.isDisposed) {
        super.resolve(RUN_BUTTON);
      }
    });
  }
}

/**
 * Types of `JobFormDialog`.
 */
export namespace JobFormDialog {
  /**
   * Options of the dialog.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Server path of the notebook to run (saved).
     */
    path: string;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}

/**
 * Ask for a notebook's parameters and run options, and queue the run.
 *
 * @returns The created run, or `null` when the user cancelled.
 */
export async function showJobFormDialog(
  options: JobFormDialog.IOptions
): Promise<IJobRun | null> {
  const dialog = new JobFormDialog(options);
  void dialog.state.load();
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
