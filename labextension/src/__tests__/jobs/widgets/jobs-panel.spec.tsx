import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, screen, within } from '@testing-library/react';

import { JobDefinitionsState } from '../../../jobs/state/definitions';
import { JobRunsState } from '../../../jobs/state/runs';
import { SweepsState } from '../../../jobs/state/sweeps';
import { JobsPanel } from '../../../jobs/widgets/jobs-panel';
import {
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeSweepSummary
} from '../../fixtures';

describe('JobsPanel', () => {
  let client: ReturnType<typeof makeClient>;
  let panel: JobsPanel;
  let states: {
    definitions: JobDefinitionsState;
    sweeps: SweepsState;
    runs: JobRunsState;
  };
  const actions = {
    openRun: jest.fn(),
    stop: jest.fn(),
    rerun: jest.fn(),
    delete: jest.fn(),
    openDefinition: jest.fn(),
    trigger: jest.fn(),
    pause: jest.fn(),
    resume: jest.fn(),
    edit: jest.fn(),
    updateFromNotebook: jest.fn(),
    deleteDefinition: jest.fn(),
    openSweep: jest.fn()
  };

  beforeEach(() => {
    Object.values(actions).forEach(action => action.mockClear());
    client = makeClient();
    client.listJobRuns.mockResolvedValue({
      runs: [makeJobRun()],
      next_page_token: null,
      total: 1
    });
    client.listJobs.mockResolvedValue({
      jobs: [makeJobDefinition({ notebook_changed: true })]
    });
    client.listSweeps.mockResolvedValue({ sweeps: [makeSweepSummary()] });
    states = {
      definitions: new JobDefinitionsState({ client }),
      sweeps: new SweepsState({ client }),
      runs: new JobRunsState({ client })
    };
    panel = new JobsPanel(states, actions, nullTranslator);
  });

  afterEach(() => {
    act(() => {
      panel.dispose();
    });
  });

  it('is the Jobs section, listing nothing until shown', async () => {
    await Promise.all(Object.values(states).map(state => state.start()));

    expect(panel.title.label).toBe('Jobs');
    expect(panel.hasClass('jp-mlx-JobsSection')).toBe(true);
    expect(client.listJobRuns).not.toHaveBeenCalled();
    expect(client.listJobs).not.toHaveBeenCalled();
    expect(client.listSweeps).not.toHaveBeenCalled();
  });

  it('lists the runs once attached, each opening its view', async () => {
    await act(async () => {
      Widget.attach(panel, document.body);
    });

    fireEvent.click(await screen.findByRole('button', { name: 'train.ipynb' }));

    expect(actions.openRun).toHaveBeenCalledWith('jr-1');
    expect(
      panel.node.querySelector('.jp-mlx-JobRunRow[data-status="succeeded"]')
    ).not.toBeNull();
  });

  it('lists the schedules above the runs, each with its actions', async () => {
    // Given the section shown
    await act(async () => {
      Widget.attach(panel, document.body);
    });

    // Then each schedule is a row named after it
    const list = await screen.findByRole('list', { name: 'Schedules' });
    const row = within(list).getByRole('listitem', { name: 'nightly' });
    expect(within(row).getByText('At 02:00 AM')).toBeVisible();
    expect(within(row).getByText('Active')).toBeVisible();

    // When its actions are used, they act on it
    for (const [label, action] of [
      ['Run now', actions.trigger],
      ['Pause', actions.pause],
      ['Edit', actions.edit],
      ['Update from notebook', actions.updateFromNotebook],
      ['Delete', actions.deleteDefinition]
    ] as const) {
      fireEvent.click(within(row).getByRole('button', { name: label }));
      expect(action).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'job-1' })
      );
    }
    // And the update is pointed out: the notebook changed
    expect(
      within(row).getByRole('button', { name: 'Update from notebook' })
    ).toHaveClass('jp-mod-attention');
    fireEvent.click(within(row).getByRole('button', { name: 'nightly' }));
    expect(actions.openDefinition).toHaveBeenCalledWith('job-1');
  });

  it('lists the recent sweeps with their progress and best value', async () => {
    await act(async () => {
      Widget.attach(panel, document.body);
    });

    const list = await screen.findByRole('list', { name: 'Sweeps' });
    const row = within(list).getByRole('listitem', { name: 'train lr sweep' });
    expect(within(row).getByText('1 of 2')).toBeVisible();
    expect(within(row).getByText('best loss (min): 0.25')).toBeVisible();
    fireEvent.click(
      within(row).getByRole('button', { name: 'train lr sweep' })
    );
    expect(actions.openSweep).toHaveBeenCalledWith('sw-1');
  });
});
