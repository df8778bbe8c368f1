import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';

import type { PolledModel } from '../state/polled';

/**
 * A React widget showing a polled model: the model polls only while the
 * widget is visible, and is disposed with the widget.
 */
export abstract class ModelWidget<M extends PolledModel> extends ReactWidget {
  /**
   * @param model - The model shown; the widget owns it.
   */
  constructor(model: M) {
    super();
    this.model = model;
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
}
