import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { ILockDiff } from '../../api/types';

/**
 * Characters of a lock's sha256 shown (the whole hash is the tooltip).
 */
const SHORT_SHA_CHARS = 12;

/**
 * One row of the lock diff table.
 */
interface IDiffRow {
  change: 'added' | 'removed' | 'changed';
  name: string;
  old: string;
  new: string;
  manager: 'conda' | 'pip';
}

/**
 * The rows of a lock diff, sorted by package name: added, removed and
 * changed packages together.
 */
export function lockDiffRows(diff: ILockDiff): IDiffRow[] {
  const rows: IDiffRow[] = [
    ...diff.added.map(pkg => ({
      change: 'added' as const,
      name: pkg.name,
      old: '',
      new: pkg.version,
      manager: pkg.manager
    })),
    ...diff.removed.map(pkg => ({
      change: 'removed' as const,
      name: pkg.name,
      old: pkg.version,
      new: '',
      manager: pkg.manager
    })),
    ...diff.changed.map(pkg => ({
      change: 'changed' as const,
      name: pkg.name,
      old: pkg.old,
      new: pkg.new,
      manager: pkg.manager
    }))
  ];
  return rows.sort(
    (a, b) => a.name.localeCompare(b.name) || a.manager.localeCompare(b.manager)
  );
}

/**
 * An environment's lock against the lock it replaced: a summary line and a
 * table of the packages added, removed and changed.
 */
export function LockDiffTable(props: {
  diff: ILockDiff;
  trans: TranslationBundle;
}): JSX.Element {
  const { diff, trans } = props;
  const rows = lockDiffRows(diff);
  const changeLabel = (change: IDiffRow['change']): string => {
    switch (change) {
      case 'added':
        return trans.__('Added');
      case 'removed':
        return trans.__('Removed');
      default:
        return trans.__('Changed');
    }
  };
  return (
    <div className="jp-mlx-LockDiff">
      <p className="jp-mlx-LockDiff-summary">
        {diff.previous_sha256 === null
          ? trans.__(
              'Lock %1 of %2 (%3) is its first: every package is new.',
              short(diff.current_sha256),
              diff.name,
              diff.platform
            )
          : trans.__(
              'Lock %1 of %2 against %3 (%4): %5 added, %6 removed, %7 changed.',
              short(diff.current_sha256),
              diff.name,
              short(diff.previous_sha256),
              diff.platform,
              diff.added.length,
              diff.removed.length,
              diff.changed.length
            )}
      </p>
      {rows.length === 0 ? (
        <p className="jp-mlx-Note">
          {trans.__('The two locks hold the same packages.')}
        </p>
      ) : (
        <table
          className="jp-mlx-Table jp-mlx-LockDiff-table"
          aria-label={trans.__('Package changes of %1', diff.name)}
        >
          <thead>
            <tr>
              <th scope="col">{trans.__('Package')}</th>
              <th scope="col">{trans.__('Change')}</th>
              <th scope="col">{trans.__('Previous')}</th>
              <th scope="col">{trans.__('Current')}</th>
              <th scope="col">{trans.__('Manager')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(row => (
              <tr
                key={`${row.manager}:${row.name}:${row.change}`}
                className={`jp-mlx-LockDiff-row jp-mod-${row.change}`}
                data-change={row.change}
              >
                <th scope="row">{row.name}</th>
                <td>
                  <span className="jp-mlx-LockDiff-change">
                    {changeLabel(row.change)}
                  </span>
                </td>
                <td>{row.old}</td>
                <td>{row.new}</td>
                <td>{row.manager}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * The first characters of a sha256.
 */
function short(sha: string): string {
  return sha.slice(0, SHORT_SHA_CHARS);
}
