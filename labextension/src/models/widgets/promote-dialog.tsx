import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import type { IPromotion } from '../../api/types';
import { relabel } from '../../shared/widgets/form-body';
import type { IMLXClient } from '../../tokens';
import { LivePromoteForm } from '../components/promote-form';
import { PromotionState, type PromotionTarget } from '../state/promotion';

/**
 * Index of the Cancel (then Close) button.
 */
const CLOSE_BUTTON = 0;

/**
 * Index of the Promote button (the default).
 */
const PROMOTE_BUTTON = 1;

/**
 * The body of the promote dialog: the form of its promotion, then the gates
 * as they run. Its value is the promotion as last read.
 */
export class PromoteBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IPromotion | null>
{
  /**
   * @param state - The promotion shown; the body owns it.
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(
    readonly state: PromotionState,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-mlx-PromoteBody');
  }

  /**
   * The promotion as last read, or `null` when none started.
   */
  getValue(): IPromotion | null {
    return this.state.promotion;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.state.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <LivePromoteForm state={this.state} trans={this._trans} />;
  }
}

/**
 * The promote dialog: a run's model registered as a new version of a model,
 * or an existing version, moved to an alias behind gates. Promote starts it;
 * the dialog stays open while the gates run, showing each as it passes or
 * fails, then the outcome; its Cancel button then reads Close. A refusal of
 * the form shows beside the field it names.
 */
export class PromoteDialog extends Dialog<IPromotion | null> {
  /**
   * @param options - The client, what is promoted, the translation bundle.
   */
  constructor(options: PromoteDialog.IOptions) {
    const { trans, target } = options;
    const state = new PromotionState(options);
    super({
      title:
        target.kind === 'run'
          ? trans.__('Promote Model of Run %1', target.runId)
          : trans.__('Promote a Version of %1', target.name),
      body: new PromoteBody(state, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({
          label: trans.__('Promote'),
          caption: trans.__('Run the gates, then move the alias')
        })
      ],
      defaultButton: PROMOTE_BUTTON,
      focusNodeSelector: 'input:not([readonly]), select'
    });
    this.addClass('jp-mlx-PromoteDialog');
    this.state = state;
    this._trans = trans;
    state.changed.connect(this._onStateChanged, this);
    this._onStateChanged();
    void state.load();
  }

  /**
   * The promotion shown.
   */
  readonly state: PromotionState;

  /**
   * Promote starts the promotion and keeps the dialog open; Cancel (Close
   * once ended) closes it, except while the promotion is sent or runs.
   */
  resolve(index: number = PROMOTE_BUTTON): void {
    if (this._busy) {
      return;
    }
    if (index === PROMOTE_BUTTON && this.state.phase !== 'ended') {
      void this.state.submit();
      return;
    }
    super.resolve(index === PROMOTE_BUTTON ? CLOSE_BUTTON : index);
  }

  /**
   * Close (Escape, the close icon), except while the promotion is sent or
   * runs.
   */
  reject(): void {
    if (!this._busy) {
      super.reject();
    }
  }

  /**
   * Whether the promotion is being sent or its gates run.
   */
  private get _busy(): boolean {
    const phase = this.state.phase;
    return phase === 'submitting' || phase === 'running';
  }

  /**
   * Follow the promotion on the buttons: Promote enabled while the form can
   * be sent, hidden once the promotion ended; Cancel disabled while it runs,
   * then reading Close.
   */
  private _onStateChanged(): void {
    const buttons = this.node.querySelectorAll<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-Dialog-button'
    );
    const close = buttons[CLOSE_BUTTON];
    const promote = buttons[PROMOTE_BUTTON];
    const ended = this.state.phase === 'ended';
    if (close) {
      close.disabled = this._busy;
      relabel(
        close.querySelector('.jp-Dialog-buttonLabel'),
        ended ? this._trans.__('Close') : this._trans.__('Cancel')
      );
    }
    if (promote) {
      promote.disabled = !this.state.canSubmit;
      promote.style.display = ended ? 'none' : '';
    }
  }

  private _trans: TranslationBundle;
}

/**
 * Types of `PromoteDialog`.
 */
export namespace PromoteDialog {
  /**
   * Options of the dialog.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * What is promoted.
     */
    target: PromotionTarget;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Milliseconds between two reads of the running promotion.
     */
    pollInterval?: number;
  }
}

/**
 * Show the promote dialog until the user closes it.
 *
 * @param onEnded - Called with the promotion when it ends (the dialog may
 * still be open).
 * @returns The promotion as last read, or `null` when none started.
 */
export async function showPromoteDialog(
  options: PromoteDialog.IOptions,
  onEnded?: (promotion: IPromotion) => void
): Promise<IPromotion | null> {
  const dialog = new PromoteDialog(options);
  if (onEnded) {
    dialog.state.ended.connect((_, promotion) => onEnded(promotion));
  }
  await dialog.launch();
  return dialog.state.promotion;
}
