import type { JupyterFrontEnd } from '@jupyterlab/application';
import { type MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, waitFor, within } from '@testing-library/react';

import { MLXClient } from '../../api/client';
import { requestAPI } from '../../api/request';
import type { IJobRun, IReproduction } from '../../api/types';
import { createTrackers } from '../../experiments/trackers';
import { ExperimentsViews } from '../../experiments/views';
import type { RunView } from '../../experiments/widgets/run-view';
import { CommandIDs as JobsCommandIDs } from '../../jobs/commands';
import { ChartTheme } from '../../shared/charts/theme';
import {
  makeAPIError,
  makeDescribeRun,
  makeJobRun,
  makeRun
} from '../fixtures';

jest.mock('../../api/request', () => ({
  ...jest.requireActual('../../api/request'),
  requestAPI: jest.fn()
}));

// Canvas drawing is not available in jsdom.
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;
const trans = nullTranslator.load('jupyter_mlx');

const INPUT_SHA = 'feedc0de'.repeat(8);
const WARNING =
  "Input 'data/train.csv' changed since the run: its sha256 is now 1234abcd.";

/**
 * The server of these tests: run `run-1` with one data input, reproduced by
 * job run `jr-9`, whose state the test sets.
 */
class FakeServer {
  jobRun: IJobRun = makeJobRun({
    id: 'jr-9',
    status: 'queued',
    trigger: 'reproduce',
    mlflow_run_id: null,
    finished_at: null
  });
  reproduce: () => Promise<IReproduction> = async () => ({
    original_run_id: 'run-1',
    job_run: this.jobRun,
    warnings: [WARNING]
  });

  answer(path: string, init: RequestInit): Promise<unknown> {
    const method = init.method ?? 'GET';
    if (method === 'POST' && path === 'runs/run-1/reproduce') {
      return this.reproduce();
    }
    if (method === 'POST' && path === 'runs/compare') {
      const { run_ids } = JSON.parse(init.body as string);
      return Promise.resolve({
        runs: run_ids.map((id: string) => makeRun({ run_id: id })),
        metrics: [],
        params: []
      });
    }
    if (path === 'job-runs/jr-9') {
      return Promise.resolve(this.jobRun);
    }
    if (path === 'runs/run-1') {
      return Promise.resolve(
        makeDescribeRun({
          inputs: [
            { path: 'data/train.csv', sha256: INPUT_SHA, kind: 'file' },
            { path: 'data/images', sha256: 'b'.repeat(64), kind: 'folder' }
          ]
        })
      );
    }
    if (path.startsWith('runs/run-1/metrics')) {
      return Promise.resolve({
        run_id: 'run-1',
        metrics: [],
        max_steps: 1000,
        omitted_metrics: 0
      });
    }
    if (path.startsWith('runs/run-1/artifacts')) {
      return Promise.resolve({ run_id: 'run-1', path: '', files: [] });
    }
    if (path === 'runs/run-1/models') {
      return Promise.resolve({ run_id: 'run-1', models: [] });
    }
    return Promise.reject(new Error(`unexpected ${method} ${path}`));
  }
}

describe('Reproduce from the run view', () => {
  let server: FakeServer;
  let views: ExperimentsViews;
  let theme: ChartTheme;
  let main: Widget[];
  let openJobRun: jest.Mock;
  let warning: jest.SpyInstance;
  let success: jest.SpyInstance;

  beforeEach(async () => {
    server = new FakeServer();
    mockedRequest
      .mockReset()
      .mockImplementation((path, init = {}) =>
        server.answer(path, init)
      ) as never;
    warning = jest.spyOn(Notification, 'warning').mockReturnValue('n-1');
    success = jest.spyOn(Notification, 'success').mockReturnValue('n-2');
    main = [];
    const commands = new CommandRegistry();
    openJobRun = jest.fn();
    commands.addCommand(JobsCommandIDs.openJobRun, {
      describedBy: { args: { type: 'object' } },
      execute: args => openJobRun(args)
    });
    const shell = {
      add: (widget: Widget) => {
        main.push(widget);
        Widget.attach(widget, document.body);
      },
      activateById: jest.fn()
    };
    theme = new ChartTheme(null);
    views = new ExperimentsViews({
      app: { commands, shell } as unknown as JupyterFrontEnd,
      client: new MLXClient(
        ServerConnection.makeSettings({ baseUrl: 'http://localhost/' })
      ),
      theme,
      trans,
      trackers: createTrackers()
    });
    await act(async () => {
      await views.openRun('run-1');
    });
  });

  afterEach(() => {
    act(() => {
      main.forEach(widget => widget.dispose());
      views.dispose();
    });
    theme.dispose();
    warning.mockRestore();
    success.mockRestore();
  });

  function runView(): MainAreaWidget<RunView> {
    return main[0] as MainAreaWidget<RunView>;
  }

  async function clickReproduce(): Promise<void> {
    const node = runView().node;
    const button = await within(node).findByRole('button', {
      name: 'Reproduce'
    });
    await act(async () => {
      fireEvent.click(button);
      // The POST, then the first read of the job run.
      await new Promise(resolve => setTimeout(resolve, 0));
    });
  }

  it('lists the data inputs with their kind and the first digits of their hash', async () => {
    const table = await within(runView().node).findByRole('table', {
      name: 'Data inputs'
    });

    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('data/train.csv')).toBeVisible();
    expect(within(rows[1]).getByText('file')).toBeVisible();
    const hash = within(rows[1]).getByText(INPUT_SHA.slice(0, 12));
    expect(hash).toHaveAttribute('title', INPUT_SHA);
    expect(within(rows[2]).getByText('folder')).toBeVisible();
  });

  it('posts the reproduction, shows its warnings and opens its job run', async () => {
    // When Reproduce is clicked
    await clickReproduce();

    // Then the server is asked to reproduce the run
    expect(mockedRequest).toHaveBeenCalledWith(
      'runs/run-1/reproduce',
      { method: 'POST' },
      expect.anything()
    );
    // And the warnings show, in the view and as a notification
    const node = runView().node;
    const list = within(node).getByRole('list', {
      name: 'Reproduction warnings'
    });
    expect(list).toHaveTextContent(WARNING);
    expect(warning).toHaveBeenCalledWith(
      expect.stringContaining(WARNING),
      expect.objectContaining({ autoClose: false })
    );
    // And the job run that reproduces it opens
    expect(openJobRun).toHaveBeenCalledWith({ job_run_id: 'jr-9' });
    expect(within(node).getByText('Queued')).toBeVisible();
    expect(
      within(node).queryByRole('button', { name: 'Compare with original' })
    ).not.toBeInTheDocument();
  });

  it('offers the comparison with the original once the reproduction succeeded', async () => {
    // Given a reproduction under way
    await clickReproduce();

    // When its job run succeeds, tracked as run-2
    server.jobRun = makeJobRun({
      id: 'jr-9',
      status: 'succeeded',
      trigger: 'reproduce',
      mlflow_run_id: 'run-2'
    });
    await act(async () => {
      await runView().content.reproduction!.refresh();
    });

    // Then a notification offers the comparison
    expect(success).toHaveBeenCalledTimes(1);
    const [message, options] = success.mock.calls[0];
    expect(message).toBe('The reproduction of run brave-owl-1 succeeded.');
    expect(options.actions[0].label).toBe('Compare with original');

    // And the view's button opens the comparison of the two runs
    const compare = within(runView().node).getByRole('button', {
      name: 'Compare with original'
    });
    await act(async () => {
      fireEvent.click(compare);
      await new Promise(resolve => setTimeout(resolve, 0));
    });
    expect(main).toHaveLength(2);
    await waitFor(() =>
      expect(mockedRequest).toHaveBeenCalledWith(
        'runs/compare',
        expect.objectContaining({
          method: 'POST',
          body: JSON.stringify({ run_ids: ['run-1', 'run-2'] })
        }),
        expect.anything()
      )
    );
  });

  it('says in one line why a run cannot be reproduced', async () => {
    server.reproduce = () =>
      Promise.reject(
        makeAPIError(
          400,
          'Run run-1 recorded no notebook snapshot: nothing to reproduce.',
          'run_id'
        )
      );

    await clickReproduce();

    const node = runView().node;
    expect(within(node).getByRole('alert')).toHaveTextContent(
      'Cannot reproduce this run: Run run-1 recorded no notebook snapshot: nothing to reproduce.'
    );
    expect(openJobRun).not.toHaveBeenCalled();
    expect(
      within(node).getByRole('button', { name: 'Reproduce' })
    ).toBeEnabled();
  });
});
