import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import type { ILockDiff } from '../../api/types';
import { LockDiffTable } from '../components/lock-diff';

/**
 * Show an environment's lock against the previous lock in a dialog.
 */
export async function showLockDiffDialog(
  diff: ILockDiff,
  trans: TranslationBundle
): Promise<void> {
  const body = ReactWidget.create(<LockDiffTable diff={diff} trans={trans} />);
  body.addClass('jp-mlx-LockDiffBody');
  await showDialog({
    title: trans.__('Lock Diff of %1', diff.name),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}
