import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, screen } from '@testing-library/react';

import { JobRunsState } from '../../../jobs/state/runs';
import { JobsPanel } from '../../../jobs/widgets/jobs-panel';
import { makeClient, makeJobRun } from '../../fixtures';

describe('JobsPanel', () => {
  let client: ReturnType<typeof makeClient>;
  let panel: JobsPanel;
  const actions = {
    openRun: jest.fn(),
    stop: jest.fn(),
    rerun: jest.fn(),
    delete: jest.fn()
  };

  beforeEach(() => {
    client = makeClient();
    client.listJobRuns.mockResolvedValue({
      runs: [makeJobRun()],
      next_page_token: null,
      total: 1
    });
    panel = new JobsPanel(
      new JobRunsState({ client }),
      actions,
      nullTranslator
    );
  });

  afterEach(() => {
    act(() => {
      panel.dispose();
    });
  });

  it('is the Jobs section, listing nothing until shown', async () => {
    await panel.state.start();

    expect(panel.title.label).toBe('Jobs');
    expect(panel.hasClass('jp-mlx-JobsSection')).toBe(true);
    expect(client.listJobRuns).not.toHaveBeenCalled();
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
});
