import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, within } from '@testing-library/react';

import type { IJobRun } from '../../api/types';
import {
  CommandIDs,
  notebookOf,
  registerJobsCommands
} from '../../jobs/commands';
import { createTrackers } from '../../jobs/trackers';
import { type IJobsViewsActions, JobsViews } from '../../jobs/views';
import type { JobOutputViewer } from '../../jobs/widgets/output-viewer';
import { ChartTheme } from '../../shared/charts/theme';
import {
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeJobRunLog,
  makeSweep
} from '../fixtures';

// Canvas drawing is not available in jsdom: charts record nothing.
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

/**
 * An application with a real command registry and a shell whose main area
 * is the document body.
 */
function makeApp() {
  const commands = new CommandRegistry();
  const main: Widget[] = [];
  const activateById = jest.fn();
  const shell = {
    add: (widget: Widget) => {
      main.push(widget);
      Widget.attach(widget, document.body);
    },
    activateById
  };
  const app = { commands, shell } as unknown as JupyterFrontEnd;
  return { app, commands, main, activateById };
}

describe('notebookOf', () => {
  const sources = {
    currentNotebook: () => 'current.ipynb',
    selectedNotebook: () => 'selected.ipynb'
  };

  it('takes the path given, else the selection or the current notebook', () => {
    expect(notebookOf({ path: 'a/b.ipynb' }, sources)).toBe('a/b.ipynb');
    expect(notebookOf({ path: 'a/b.py' }, sources)).toBeNull();
    expect(notebookOf({}, sources)).toBe('current.ipynb');
    expect(notebookOf({ from_file_browser: true }, sources)).toBe(
      'selected.ipynb'
    );
    expect(
      notebookOf({}, { ...sources, currentNotebook: () => null })
    ).toBeNull();
  });
});

describe('jobs commands', () => {
  let commands: CommandRegistry;
  const runNotebook = jest.fn(async (path: string) => undefined);
  const scheduleNotebook = jest.fn(async (path: string) => undefined);
  const openRun = jest.fn(async (runId: string) => undefined);
  const openDefinition = jest.fn(async (jobId: string) => undefined);
  const openSweep = jest.fn(async (sweepId: string) => undefined);
  const openOutput = jest.fn(
    async (runId: string, cellIndex: number | null) => undefined
  );
  let current: string | null;

  beforeEach(() => {
    runNotebook.mockClear();
    scheduleNotebook.mockClear();
    openRun.mockClear();
    openDefinition.mockClear();
    openSweep.mockClear();
    openOutput.mockClear();
    current = 'work/train.ipynb';
    const made = makeApp();
    commands = made.commands;
    registerJobsCommands(made.app, {
      trans,
      currentNotebook: () => current,
      selectedNotebook: () => 'picked.ipynb',
      runNotebook,
      scheduleNotebook,
      openRun,
      openOutput,
      openDefinition,
      openSweep
    });
  });

  it('are labelled for the palette, menus and toolbar', () => {
    expect(commands.label(CommandIDs.runNotebook)).toBe('Run with Parameters…');
    expect(CommandIDs.runNotebook).toBe('mlx:jobs-run-notebook');
    expect(commands.label(CommandIDs.openJobRun)).toBe('Open Job Run');
    expect(commands.icon(CommandIDs.runNotebook)).toBeTruthy();
    expect(commands.label(CommandIDs.scheduleNotebook)).toBe('Schedule…');
    expect(CommandIDs.scheduleNotebook).toBe('mlx:schedule-job');
    expect(CommandIDs.openJobDefinition).toBe('mlx:open-job-definition');
    expect(CommandIDs.openSweep).toBe('mlx:open-sweep');
  });

  it('schedule the notebook given, the selected one or the current one', async () => {
    await commands.execute(CommandIDs.scheduleNotebook, { path: 'x.ipynb' });
    await commands.execute(CommandIDs.scheduleNotebook, {
      from_file_browser: true
    });
    await commands.execute(CommandIDs.scheduleNotebook, {});

    expect(scheduleNotebook.mock.calls).toEqual([
      ['x.ipynb'],
      ['picked.ipynb'],
      ['work/train.ipynb']
    ]);
    current = null;
    expect(commands.isEnabled(CommandIDs.scheduleNotebook, {})).toBe(false);
  });

  it('open a definition and a sweep by id', async () => {
    expect(commands.isEnabled(CommandIDs.openJobDefinition, {})).toBe(false);
    expect(commands.isEnabled(CommandIDs.openSweep, {})).toBe(false);

    await commands.execute(CommandIDs.openJobDefinition, { job_id: 'job-1' });
    await commands.execute(CommandIDs.openSweep, { sweep_id: 'sw-1' });

    expect(openDefinition).toHaveBeenCalledWith('job-1');
    expect(openSweep).toHaveBeenCalledWith('sw-1');
    await expect(commands.execute(CommandIDs.openSweep, {})).rejects.toThrow(
      'mlx:open-sweep needs a sweep_id.'
    );
  });

  it('run the notebook given, the selected one or the current one', async () => {
    await commands.execute(CommandIDs.runNotebook, { path: 'x.ipynb' });
    await commands.execute(CommandIDs.runNotebook, { from_file_browser: true });
    await commands.execute(CommandIDs.runNotebook, {});

    expect(runNotebook.mock.calls).toEqual([
      ['x.ipynb'],
      ['picked.ipynb'],
      ['work/train.ipynb']
    ]);
  });

  it('are disabled without a notebook', async () => {
    current = null;

    expect(commands.isEnabled(CommandIDs.runNotebook, {})).toBe(false);
    await expect(commands.execute(CommandIDs.runNotebook, {})).rejects.toThrow(
      'mlx:jobs-run-notebook needs a notebook (.ipynb) path.'
    );
  });

  it('open a run and its output at a cell', async () => {
    expect(commands.isEnabled(CommandIDs.openJobRun, {})).toBe(false);

    await commands.execute(CommandIDs.openJobRun, { job_run_id: 'jr-1' });
    await commands.execute(CommandIDs.openJobOutput, {
      job_run_id: 'jr-1',
      cell_index: 4
    });
    await commands.execute(CommandIDs.openJobOutput, {
      job_run_id: 'jr-1',
      cell_index: -1
    });

    expect(openRun).toHaveBeenCalledWith('jr-1');
    expect(openOutput.mock.calls).toEqual([
      ['jr-1', 4],
      ['jr-1', null]
    ]);
  });
});

describe('JobsViews', () => {
  let made: ReturnType<typeof makeApp>;
  let client: ReturnType<typeof makeClient>;
  let views: JobsViews;
  let actions: jest.Mocked<IJobsViewsActions>;

  beforeEach(() => {
    made = makeApp();
    client = makeClient();
    client.getJobRun.mockResolvedValue(
      makeJobRun({
        status: 'failed',
        error: {
          message: 'Cell 4 raised ValueError',
          cell_index: 4,
          cell_id: null,
          execution_count: 3,
          ename: 'ValueError',
          evalue: 'bad',
          traceback: []
        }
      })
    );
    client.readJobRunLog.mockResolvedValue(
      makeJobRunLog({ next_offset: 5, text: 'hello', complete: true })
    );
    client.getJobRunOutput.mockResolvedValue(new Blob(['<html></html>']));
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:out'),
      revokeObjectURL: jest.fn()
    });
    actions = {
      stop: jest.fn(async (_: IJobRun) => null),
      rerun: jest.fn(async (_: IJobRun) => null),
      deleteRun: jest.fn(),
      trigger: jest.fn(),
      pause: jest.fn(),
      resume: jest.fn(),
      edit: jest.fn(),
      updateFromNotebook: jest.fn(),
      deleteDefinition: jest.fn(),
      stopSweep: jest.fn(),
      deleteSweep: jest.fn(),
      canOpenMLflowRun: jest.fn(() => true),
      openMLflowRun: jest.fn(),
      compareRuns: jest.fn()
    };
    views = new JobsViews({
      app: made.app,
      client,
      theme: new ChartTheme(null),
      trans,
      trackers: createTrackers(),
      actions
    });
  });

  afterEach(() => {
    act(() => {
      made.main.forEach(widget => widget.dispose());
      views.dispose();
    });
  });

  it('open one view per run, revealed when open again', async () => {
    await act(() => views.openRun('jr-1'));

    const widget = made.main[0] as MainAreaWidget;
    expect(widget.id).toBe('jp-mlx-job-run-jr-1');
    expect(widget.content.hasClass('jp-mlx-JobRunView')).toBe(true);
    expect(
      await within(widget.node).findByRole('heading', { name: 'train.ipynb' })
    ).toBeInTheDocument();
    expect(widget.content.node.dataset.status).toBe('failed');
    expect(widget.title.label).toBe('Job train.ipynb');
    expect(widget.node.querySelector('.jp-mlx-JobLog')).toHaveTextContent(
      'hello'
    );

    made.activateById.mockClear();
    await act(() => views.openRun('jr-1'));
    expect(made.main).toHaveLength(1);
    expect(made.activateById).toHaveBeenCalledWith('jp-mlx-job-run-jr-1');
  });

  it('open the output at the failing cell from the run view, and the MLflow run', async () => {
    // Given the view of a failed run
    await act(() => views.openRun('jr-1'));
    const view = made.main[0];
    const openCell = await within(view.node).findByRole('button', {
      name: 'Open output at failing cell'
    });

    // When the failing cell is asked for
    await act(async () => {
      fireEvent.click(openCell);
    });

    // Then the output opens scrolled to it
    await within(document.body).findByTitle(/Output notebook of job run jr-1/);
    const output = made.main[1] as MainAreaWidget<JobOutputViewer>;
    expect(output.id).toBe('jp-mlx-job-output-jr-1');
    expect(output.content.cellIndex).toBe(4);
    expect(output.node.querySelector('iframe')?.getAttribute('src')).toBe(
      'blob:out#cell-4'
    );

    // And the same output is reused for another cell
    await act(() => views.openOutput('jr-1', null));
    expect(made.main).toHaveLength(2);
    expect(output.node.querySelector('iframe')?.getAttribute('src')).toBe(
      'blob:out'
    );

    // And the MLflow run opens in the Experiments view
    fireEvent.click(
      within(view.node).getByRole('button', { name: 'Open in Experiments' })
    );
    expect(actions.openMLflowRun).toHaveBeenCalledWith('run-1');
  });

  it('close the views of a deleted run', async () => {
    await act(() => views.openRun('jr-1'));
    await act(() => views.openOutput('jr-1', null));

    act(() => views.close('jr-1'));

    expect(made.main.every(widget => widget.isDisposed)).toBe(true);
  });

  it('open one view per definition, its actions acting on it', async () => {
    // Given a definition with one run
    client.getJob.mockResolvedValue(makeJobDefinition());
    client.listRunsOfJob.mockResolvedValue({
      runs: [makeJobRun()],
      next_page_token: null,
      total: 1
    });
    client.listJobRuns.mockResolvedValue({
      runs: [makeJobRun()],
      next_page_token: null,
      total: 1
    });

    // When its view opens, twice
    await act(() => views.openDefinition('job-1'));
    await act(() => views.openDefinition('job-1'));

    // Then one view shows it, restored by its id
    expect(made.main).toHaveLength(1);
    const widget = made.main[0] as MainAreaWidget;
    expect(widget.id).toBe('jp-mlx-job-definition-job-1');
    expect(
      await within(widget.node).findByRole('heading', { name: 'nightly' })
    ).toBeInTheDocument();
    expect(widget.title.label).toBe('Schedule nightly');
    expect(client.listJobRuns.mock.calls[0][0]).toMatchObject({
      job_id: 'job-1'
    });

    // And its actions reach the definition
    fireEvent.click(within(widget.node).getByRole('button', { name: 'Pause' }));
    expect(actions.pause).toHaveBeenCalledWith(makeJobDefinition());

    act(() => views.closeDefinition('job-1'));
    expect(widget.isDisposed).toBe(true);
  });

  it('open one view per sweep, comparing its trials', async () => {
    client.getSweep.mockResolvedValue(
      makeSweep({ status: 'succeeded', done: 2 })
    );

    await act(() => views.openSweep('sw-1'));

    const widget = made.main[0] as MainAreaWidget;
    expect(widget.id).toBe('jp-mlx-sweep-sw-1');
    fireEvent.click(
      await within(widget.node).findByRole('button', { name: 'Compare trials' })
    );
    expect(actions.compareRuns).toHaveBeenCalledWith(['run-1', 'run-2']);
  });
});
