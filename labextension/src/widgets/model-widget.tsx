import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React from 'react';

import type { ChartTheme } from '../charts/theme';
import type { PolledModel } from '../state/polled';

/**
 * A React widget showing a polled model: the model polls only while the
 * widget is visible, the view renders again whenever the model changes, and
 * the model is disposed with the widget.
 *
 * Subclasses implement `renderModel()`.
 */
export abstract class ModelWidget<M extends PolledModel> extends ReactWidget {
  /**
   * @param model - The model shown; the widget owns it.
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(model: M, trans: TranslationBundle) {
    super();
    this.model = model;
    this.trans = trans;
    this.model.active = false;
  }

  /**
   * The model shown.
   */
  readonly model: M;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.dispose();
    super.dispose();
  }

  /**
   * The jupyter-mlx translation bundle.
   */
  protected readonly trans: TranslationBundle;

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.active = this.isVisible;
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.active = false;
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.active = false;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => this.renderModel()}
      </UseSignal>
    );
  }

  /**
   * The view of the model as it is now.
   */
  protected abstract renderModel(): JSX.Element;
}

/**
 * A model widget with charts: it also renders again when the theme's chart
 * colours change.
 */
export abstract class ChartModelWidget<
  M extends PolledModel
> extends ModelWidget<M> {
  /**
   * @param options - The model, the chart theme and the translation bundle.
   */
  constructor(options: ChartModelWidget.IOptions<M>) {
    super(options.model, options.trans);
    this.theme = options.theme;
  }

  /**
   * Chart colours of the theme.
   */
  protected readonly theme: ChartTheme;

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.theme.changed}>{() => super.render()}</UseSignal>
    );
  }
}

/**
 * Types of `ChartModelWidget`.
 */
export namespace ChartModelWidget {
  /**
   * Options of a model widget with charts.
   */
  export interface IOptions<M extends PolledModel> {
    /**
     * The model shown; the widget owns it.
     */
    model: M;
    /**
     * Chart colours of the theme.
     */
    theme: ChartTheme;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
