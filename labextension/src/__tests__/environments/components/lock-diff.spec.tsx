import { nullTranslator } from '@jupyterlab/translation';
import { render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  LockDiffTable,
  lockDiffRows
} from '../../../environments/components/lock-diff';
import { makeLockDiff } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('LockDiffTable', () => {
  it('lists the packages added, removed and changed, by name', () => {
    render(<LockDiffTable diff={makeLockDiff()} trans={trans} />);

    expect(
      screen.getByText(
        'Lock aaaaaaaaaaaa of train against bbbbbbbbbbbb (linux-64): 1 added, 1 removed, 1 changed.'
      )
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Package changes of train'
    });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row => [...row.children].map(cell => cell.textContent));
    expect(rows).toEqual([
      ['numpy', 'Changed', '1.26.4', '2.1.0', 'conda'],
      ['scipy', 'Added', '', '1.14.1', 'conda'],
      ['tqdm', 'Removed', '4.66.0', '', 'pip']
    ]);
  });

  it('says a first lock has no predecessor', () => {
    render(
      <LockDiffTable
        diff={makeLockDiff({ previous_sha256: null, removed: [], changed: [] })}
        trans={trans}
      />
    );

    expect(
      screen.getByText(/is its first: every package is new/)
    ).toBeVisible();
  });

  it('says when the two locks hold the same packages', () => {
    render(
      <LockDiffTable
        diff={makeLockDiff({ added: [], removed: [], changed: [] })}
        trans={trans}
      />
    );

    expect(
      screen.getByText('The two locks hold the same packages.')
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('orders a package of both managers by manager', () => {
    const rows = lockDiffRows(
      makeLockDiff({
        added: [
          { name: 'six', version: '1', manager: 'pip' },
          { name: 'six', version: '1', manager: 'conda' }
        ],
        removed: [],
        changed: []
      })
    );

    expect(rows.map(row => row.manager)).toEqual(['conda', 'pip']);
  });
});
