import * as apputils from '@jupyterlab/apputils';

/**
 * `showDialog`, as the spec importing this mocks it:
 *
 * ```ts
 * jest.mock('@jupyterlab/apputils', () => {
 *   const actual = jest.requireActual('@jupyterlab/apputils');
 *   return { ...actual, showDialog: jest.fn() };
 * });
 * ```
 */
export const showDialog = apputils.showDialog as jest.MockedFunction<
  typeof apputils.showDialog
>;

/**
 * Answer the next `showDialog` (mocked) with its cancel button or its warn
 * (confirm) button, its checkbox `checked` (`null` without a checkbox).
 */
export function answerDialog(
  confirm: boolean,
  checked: boolean | null = null
): void {
  showDialog.mockResolvedValueOnce({
    button: confirm
      ? apputils.Dialog.warnButton()
      : apputils.Dialog.cancelButton(),
    isChecked: checked,
    value: null
  });
}

/**
 * A button of the open dialog's footer, by its label (the dialog hides the
 * rest of the page from the accessibility tree, which jsdom extends to the
 * dialog itself).
 *
 * @throws {Error} when no footer button has the label.
 */
export function dialogButton(label: string): HTMLElement {
  const found = [
    ...document.querySelectorAll<HTMLElement>('.jp-Dialog-button')
  ].find(node => node.textContent === label);
  if (!found) {
    throw new Error(`no dialog button ${label}`);
  }
  return found;
}
