import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import type { IEnvironment } from '../../../api/types';
import {
  EnvironmentsList,
  type IEnvironmentsListProps
} from '../../../environments/components/environments-list';
import { EnvironmentLogState } from '../../../environments/state/log';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient
} from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

/**
 * Render the list of `environments`, each callback a mock.
 */
function renderList(
  environments: IEnvironment[],
  overrides: Partial<IEnvironmentsListProps> = {}
) {
  const props: IEnvironmentsListProps = {
    environments,
    problems: [],
    loaded: true,
    refreshing: false,
    error: null,
    highlighted: null,
    busy: () => null,
    failure: () => null,
    logOf: () => null,
    onShowLog: jest.fn(),
    onHideLog: jest.fn(),
    onLock: jest.fn(),
    onInstall: jest.fn(),
    onOpenSpec: jest.fn(),
    onOpenLock: jest.fn(),
    onLockDiff: jest.fn(),
    onRemove: jest.fn(),
    onOpenPath: jest.fn(),
    onCreate: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
  render(<EnvironmentsList {...props} />);
  return props;
}

/**
 * The row of an environment.
 */
function row(name: string): HTMLElement {
  return screen.getByRole('listitem', { name });
}

describe('EnvironmentsList', () => {
  it('says how to start when there is no environment', () => {
    const props = renderList([]);

    expect(screen.getByText(/No environments yet/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /New environment/ }));
    expect(props.onCreate).toHaveBeenCalled();
  });

  it('shows a declared spec with its flavour, and points to Lock', () => {
    renderList([
      makeEnvironment({
        state: 'declared',
        lock_path: null,
        lock_sha256: null,
        locked_at: null,
        packages: 0
      })
    ]);
    const train = within(row('train'));

    expect(train.getByText('conda')).toBeInTheDocument();
    expect(train.getByText('Declared')).toBeInTheDocument();
    expect(train.getByRole('button', { name: 'Lock train' })).toHaveClass(
      'jp-mod-attention'
    );
    expect(train.getByRole('button', { name: 'Install train' })).toBeDisabled();
    expect(
      train.getByRole('button', { name: 'Open the lock of train' })
    ).toBeDisabled();
    expect(train.queryByText(/package/)).toBeNull();
  });

  it('shows a locked environment with its packages, and points to Install', () => {
    const props = renderList([makeEnvironment({ state: 'locked' })]);
    const train = within(row('train'));

    expect(train.getByText('Locked')).toBeInTheDocument();
    expect(train.getByText('42 packages')).toBeInTheDocument();
    const install = train.getByRole('button', { name: 'Install train' });
    expect(install).toHaveClass('jp-mod-attention');
    fireEvent.click(install);
    expect(props.onInstall).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'train' })
    );
    fireEvent.click(
      train.getByRole('button', { name: 'Open the lock of train' })
    );
    expect(props.onOpenLock).toHaveBeenCalled();
    fireEvent.click(train.getByRole('button', { name: 'Lock diff of train' }));
    expect(props.onLockDiff).toHaveBeenCalled();
  });

  it('shows the spec lines a stale environment changed, as a diff', () => {
    renderList([
      makeEnvironment({
        state: 'stale',
        stale_lines: [
          { change: 'added', line: 'scipy' },
          { change: 'removed', line: 'numpy=1.26' }
        ]
      })
    ]);
    const train = within(row('train'));

    expect(train.getByText('Stale')).toBeInTheDocument();
    const lines = within(
      train.getByRole('list', {
        name: 'Spec lines of train changed since the lock'
      })
    ).getAllByRole('listitem');
    expect(lines.map(line => line.textContent)).toEqual([
      '+scipy',
      '−numpy=1.26'
    ]);
    expect(lines[0]).toHaveClass('jp-mod-added');
    expect(
      within(lines[1]).getByRole('img', { name: 'removed' })
    ).toBeVisible();
    expect(train.getByRole('button', { name: 'Install train' })).toBeDisabled();
    expect(train.getByRole('button', { name: 'Lock train' })).toHaveClass(
      'jp-mod-attention'
    );
  });

  it('shows an install with its progress and its live log, its actions off', async () => {
    // Given an environment installing, its log read
    const environment = makeEnvironment({
      state: 'installing',
      progress: { phase: 'linking', done: 3, total: 8 }
    });
    const client = makeEnvironmentsClient();
    client.getEnvironment.mockResolvedValue(environment);
    client.readEnvironmentLog.mockResolvedValue(
      makeEnvironmentLog({ next_offset: 12, text: 'linking numpy' })
    );
    const log = new EnvironmentLogState({ client, environment });
    await log.start();

    // When it is listed
    renderList([environment], { logOf: () => log });
    const train = within(row('train'));

    // Then its progress and log show, and nothing can be done to it
    expect(train.getByText('Installing')).toBeInTheDocument();
    const bar = train.getByLabelText('Install progress of train');
    expect(bar).toHaveAttribute('value', '3');
    expect(bar).toHaveAttribute('max', '8');
    expect(train.getByText('linking: 3 of 8')).toBeInTheDocument();
    expect(train.getByLabelText('Log of train')).toHaveTextContent(
      'linking numpy'
    );
    expect(train.getByRole('button', { name: 'Lock train' })).toBeDisabled();
    expect(train.getByRole('button', { name: 'Remove train' })).toBeDisabled();
    expect(train.queryByRole('button', { name: 'Hide log' })).toBeNull();
    log.dispose();
  });

  it('shows an install whose steps are not known yet as an indeterminate bar', () => {
    renderList([makeEnvironment({ state: 'installing', progress: null })]);

    const bar = screen.getByLabelText('Install progress of train');
    expect(bar).not.toHaveAttribute('value');
    expect(within(row('train')).getByText('starting')).toBeInTheDocument();
  });

  it('shows a ready environment with its kernel', () => {
    renderList([
      makeEnvironment({
        state: 'ready',
        kernel: 'mlx-train',
        installed_at: '2026-01-02T10:05:00Z'
      })
    ]);
    const train = within(row('train'));

    expect(train.getByText('Ready')).toBeInTheDocument();
    expect(train.getByText('kernel mlx-train')).toBeInTheDocument();
    expect(train.getByText(/^installed /)).toBeInTheDocument();
  });

  it('shows why an environment failed, and its log on demand', () => {
    const props = renderList([
      makeEnvironment({ state: 'failed', error: 'numpy: no space left' })
    ]);
    const train = within(row('train'));

    expect(train.getByText('Failed')).toBeInTheDocument();
    expect(train.getByRole('alert')).toHaveTextContent('numpy: no space left');
    fireEvent.click(train.getByRole('button', { name: 'Show log' }));
    expect(props.onShowLog).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'train' })
    );
  });

  it('shows what is being done to an environment', () => {
    renderList([makeEnvironment()], {
      busy: name => (name === 'train' ? 'locking' : null)
    });
    const train = within(row('train'));

    expect(train.getByRole('status')).toHaveTextContent('Locking…');
    expect(train.getByRole('button', { name: 'Install train' })).toBeDisabled();
  });

  it('lists the specs that cannot be read, each opening in the editor', () => {
    const props = renderList([], {
      problems: [
        {
          spec_path: 'envs/bad/environment.yml',
          message: 'line 3, column 5: mapping values are not allowed here'
        }
      ]
    });

    const problems = within(
      screen.getByRole('region', { name: 'Specs that cannot be read' })
    );
    expect(
      problems.getByText(
        'line 3, column 5: mapping values are not allowed here'
      )
    ).toBeInTheDocument();
    fireEvent.click(
      problems.getByRole('button', { name: 'envs/bad/environment.yml' })
    );
    expect(props.onOpenPath).toHaveBeenCalledWith('envs/bad/environment.yml');
  });

  it("shows the last refresh's error above what it listed", () => {
    renderList([makeEnvironment()], { error: 'Server unreachable' });

    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      'Server unreachable'
    );
    expect(row('train')).toBeInTheDocument();
  });

  it('opens the spec from the name and removes from its button', () => {
    const props = renderList([makeEnvironment()]);
    const train = within(row('train'));

    fireEvent.click(train.getByRole('button', { name: 'train' }));
    expect(props.onOpenSpec).toHaveBeenCalled();
    fireEvent.click(train.getByRole('button', { name: 'Remove train' }));
    expect(props.onRemove).toHaveBeenCalled();
  });

  it('keeps why the last lock asked from this page failed beside the environment', () => {
    renderList([makeEnvironment({ state: 'declared', lock_path: null })], {
      failure: () =>
        'Cannot lock train: the channel conda-forge cannot be reached'
    });

    expect(within(row('train')).getByRole('alert')).toHaveTextContent(
      'Cannot lock train: the channel conda-forge cannot be reached'
    );
  });
});
