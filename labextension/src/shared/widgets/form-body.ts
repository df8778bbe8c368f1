import type { Dialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';

/**
 * The state of a form shown in a dialog: what the form created.
 */
export interface IFormState<T> extends IDisposable {
  /**
   * What the form created, or `null`.
   */
  readonly created: T | null;
}

/**
 * The body of a dialog showing a form: it owns the form's state, and its
 * value is what the form created.
 *
 * Subclasses implement `render()`.
 */
export abstract class FormBody<T, S extends IFormState<T>>
  extends ReactWidget
  implements Dialog.IBodyWidget<T | null>
{
  /**
   * @param state - The form shown; the body owns it.
   */
  constructor(readonly state: S) {
    super();
  }

  /**
   * What the form created, or `null`.
   */
  getValue(): T | null {
    return this.state.created;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.state.dispose();
    super.dispose();
  }
}

/**
 * Show `text` on a dialog button's label; the label's `aria-label` names the
 * button, so it follows the text.
 */
export function relabel(label: Element | null | undefined, text: string): void {
  if (label) {
    label.textContent = text;
    label.setAttribute('aria-label', text);
  }
}
