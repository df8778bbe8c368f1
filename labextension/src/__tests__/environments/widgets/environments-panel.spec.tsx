import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, screen, within } from '@testing-library/react';

import { EnvironmentsState } from '../../../environments/state/environments';
import { EnvironmentsPanel } from '../../../environments/widgets/environments-panel';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient
} from '../fixtures';

describe('EnvironmentsPanel', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;
  let state: EnvironmentsState;
  let panel: EnvironmentsPanel;
  const actions = {
    create: jest.fn(),
    lock: jest.fn(),
    install: jest.fn(),
    remove: jest.fn(),
    showLockDiff: jest.fn(),
    openPath: jest.fn()
  };

  beforeEach(() => {
    Object.values(actions).forEach(action => action.mockClear());
    client = makeEnvironmentsClient();
    client.listEnvironments.mockResolvedValue({
      environments: [
        makeEnvironment({ state: 'failed', error: 'no space left' })
      ],
      problems: []
    });
    client.readEnvironmentLog.mockResolvedValue(
      makeEnvironmentLog({ next_offset: 9, text: 'ENOSPC\n', complete: true })
    );
    state = new EnvironmentsState({ client });
    panel = new EnvironmentsPanel(state, actions, nullTranslator);
  });

  afterEach(() => {
    act(() => {
      panel.dispose();
    });
  });

  it('is the Environments section, listing nothing until shown', async () => {
    await state.start();

    expect(panel.title.label).toBe('Environments');
    expect(panel.hasClass('jp-mlx-EnvironmentsPanel')).toBe(true);
    expect(client.listEnvironments).not.toHaveBeenCalled();
  });

  it('lists once attached; its buttons act and its log shows on demand', async () => {
    // Given the section shown
    await act(async () => {
      Widget.attach(panel, document.body);
      await state.start();
    });
    const train = within(
      await screen.findByRole('listitem', { name: 'train' })
    );

    // When its buttons are clicked, the actions get the environment
    fireEvent.click(train.getByRole('button', { name: 'Lock train' }));
    expect(actions.lock).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'train' })
    );
    fireEvent.click(
      train.getByRole('button', { name: 'Open the lock of train' })
    );
    expect(actions.openPath).toHaveBeenCalledWith('envs/train/conda-lock.yml');
    fireEvent.click(screen.getByRole('button', { name: /New environment/ }));
    expect(actions.create).toHaveBeenCalled();

    // When its log is asked for, it shows, then hides
    await act(async () => {
      fireEvent.click(train.getByRole('button', { name: 'Show log' }));
      await state.logOf('train')?.refresh();
    });
    expect(await train.findByText('ENOSPC')).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(train.getByRole('button', { name: 'Hide log' }));
    });
    expect(train.queryByLabelText('Log of train')).toBeNull();
  });

  it('disposes its state with itself', () => {
    panel.dispose();

    expect(state.isDisposed).toBe(true);
  });
});
