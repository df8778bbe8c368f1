import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IJobDefinition } from '../../api/types';
import { FormBody, relabel } from '../../shared/widgets/form-body';
import type { IMLXClient } from '../../tokens';
import { LiveJobForm } from '../components/job-form';
import { type JobFormResult, JobFormState } from '../state/form';
import { baseName } from '../status';

/**
 * Index of the main button (Run, Start sweep, Create schedule, Save) among
 * the dialog's buttons (after Cancel).
 */
const RUN_BUTTON = 1;

/**
 * The body of the "Run with Parameters" and "Schedule" dialogs: the form of
 * its state.
 */
export class JobFormBody extends FormBody<JobFormResult, JobFormState> {
  /**
   * @param state - The form shown; the body owns it.
   * @param trans - The jupyter-mlx translation bundle.
   * @param submit - Submit the form (as the Run button does).
   */
  constructor(
    state: JobFormState,
    private readonly _trans: TranslationBundle,
    private readonly _submit: () => void
  ) {
    super(state);
    this.addClass('jp-mlx-JobFormBody');
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
 * A dialog that closes on its main button only once the form created what
 * it asks for: a form with errors, or refused by the server, stays open with
 * the errors beside their fields.
 *
 * The run form's main button says "Start sweep" while a parameter is swept.
 */
export class JobFormDialog extends Dialog<JobFormResult | null> {
  /**
   * @param options - The client, the notebook, what the form makes and the
   * translation bundle.
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
      title: JobFormDialog.title(state, trans),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: JobFormDialog.mainLabel(state, trans) })
      ],
      defaultButton: RUN_BUTTON,
      focusNodeSelector: 'input:not([disabled]), select, textarea'
    });
    this.addClass('jp-mlx-JobFormDialog');
    if (state.scheduling) {
      this.addClass('jp-mod-schedule');
    }
    this.state = state;
    submit.dialog = this;
    state.changed.connect(() => {
      relabel(
        this.node.querySelector(
          '.jp-Dialog-button.jp-mod-accept .jp-Dialog-buttonLabel'
        ),
        JobFormDialog.mainLabel(state, trans)
      );
    });
  }

  /**
   * The form shown.
   */
  readonly state: JobFormState;

  /**
   * Close with the button at `index`; the main button (the default) submits
   * first and closes only once the form created what it asks for.
   */
  resolve(index: number = RUN_BUTTON): void {
    if (index !== RUN_BUTTON || this.state.created !== null) {
      super.resolve(index);
      return;
    }
    void this.state.submit().then(created => {
      if (created !== null && !this.isDisposed) {
        super.resolve(RUN_BUTTON);
      }
    });
  }
}

/**
 * Types and helpers of `JobFormDialog`.
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
     * Server path of the notebook (saved).
     */
    path: string;
    /**
     * Whether the dialog makes a job definition with a schedule; default:
     * whether a definition is edited.
     */
    scheduling?: boolean;
    /**
     * The definition to edit, if any.
     */
    definition?: IJobDefinition | null;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }

  /**
   * The dialog's title.
   */
  export function title(state: JobFormState, trans: TranslationBundle): string {
    if (state.definition !== null) {
      return trans.__('Edit Schedule %1', state.definition.name);
    }
    return state.scheduling
      ? trans.__('Schedule %1', baseName(state.path))
      : trans.__('Run %1 with Parameters', baseName(state.path));
  }

  /**
   * The main button's label.
   */
  export function mainLabel(
    state: JobFormState,
    trans: TranslationBundle
  ): string {
    if (state.definition !== null) {
      return trans.__('Save');
    }
    if (state.scheduling) {
      return trans.__('Create schedule');
    }
    return state.sweeping ? trans.__('Start sweep') : trans.__('Run');
  }
}

/**
 * Ask for a notebook's parameters and run options (and schedule), and
 * create the run, sweep or definition.
 *
 * @returns What was created, or `null` when the user cancelled.
 */
export async function showJobFormDialog(
  options: JobFormDialog.IOptions
): Promise<JobFormResult | null> {
  const dialog = new JobFormDialog(options);
  void dialog.state.load();
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
