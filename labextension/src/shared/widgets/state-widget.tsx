import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React from 'react';

import type { ChartTheme } from '../charts/theme';
import type { PolledState } from '../state/polled';

/**
 * A React widget showing a polled state: the state polls only while the
 * widget is visible, the view renders again whenever the state changes, and
 * the state is disposed with the widget.
 *
 * Subclasses implement `renderState()`.
 */
export abstract class StateWidget<S extends PolledState> extends ReactWidget {
  /**
   * @param state - The state shown; the widget owns it.
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(state: S, trans: TranslationBundle) {
    super();
    this.state = state;
    this.trans = trans;
    this.state.active = false;
  }

  /**
   * The state shown.
   */
  readonly state: S;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.state.dispose();
    super.dispose();
  }

  /**
   * The jupyter-mlx translation bundle.
   */
  protected readonly trans: TranslationBundle;

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.state.active = this.isVisible;
  }

  protected onBeforeDetach(msg: Message): void {
    this.state.active = false;
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.state.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.state.active = false;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.state.changed}>
        {() => this.renderState()}
      </UseSignal>
    );
  }

  /**
   * The view of the state as it is now.
   */
  protected abstract renderState(): JSX.Element;
}

/**
 * A state widget with charts: it also renders again when the theme's chart
 * colours change.
 */
export abstract class ChartStateWidget<
  S extends PolledState
> extends StateWidget<S> {
  /**
   * @param options - The state, the chart theme and the translation bundle.
   */
  constructor(options: ChartStateWidget.IOptions<S>) {
    super(options.state, options.trans);
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
 * Types of `ChartStateWidget`.
 */
export namespace ChartStateWidget {
  /**
   * Options of a state widget with charts.
   */
  export interface IOptions<S extends PolledState> {
    /**
     * The state shown; the widget owns it.
     */
    state: S;
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
