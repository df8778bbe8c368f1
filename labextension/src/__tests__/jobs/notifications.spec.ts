import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { finishedNotice, notifyFinishedRuns } from '../../jobs/notifications';
import { JobRunsState } from '../../jobs/state/runs';
import { makeClient, makeJobRun } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('finishedNotice', () => {
  it.each([
    ['succeeded', 'success', 'Job run of train.ipynb succeeded.'],
    ['timed_out', 'error', 'Job run of train.ipynb timed out.'],
    ['stopped', 'warning', 'Job run of train.ipynb was stopped.'],
    [
      'interrupted',
      'warning',
      'Job run of train.ipynb was interrupted (the server stopped while it ran).'
    ]
  ] as const)('tells a %s run as %s', (status, type, message) => {
    expect(finishedNotice(makeJobRun({ status }), trans)).toEqual({
      type,
      message
    });
  });

  it("tells a failed run with the error's message", () => {
    const run = makeJobRun({
      status: 'failed',
      error: {
        message: 'Cell 4 raised ValueError: bad lr',
        cell_index: 4,
        cell_id: null,
        execution_count: 3,
        ename: 'ValueError',
        evalue: 'bad lr',
        traceback: []
      }
    });

    expect(finishedNotice(run, trans)).toEqual({
      type: 'error',
      message: 'Job run of train.ipynb failed: Cell 4 raised ValueError: bad lr'
    });
  });
});

describe('notifyFinishedRuns', () => {
  let state: JobRunsState;
  let emit: jest.SpyInstance;
  const openRun = jest.fn();

  beforeEach(() => {
    const client = makeClient();
    client.listJobRuns.mockResolvedValue({
      runs: [],
      next_page_token: null,
      total: 0
    });
    state = new JobRunsState({ client });
    emit = jest.spyOn(Notification, 'emit').mockReturnValue('n-1');
    openRun.mockClear();
  });

  afterEach(() => {
    state.dispose();
    emit.mockRestore();
  });

  it('notifies the end of a watched run, with a button opening it', () => {
    notifyFinishedRuns(state, { trans, openRun });

    state.watch(makeJobRun({ id: 'jr-7', status: 'succeeded' }));

    expect(emit).toHaveBeenCalledTimes(1);
    const [message, type, options] = emit.mock.calls[0];
    expect(message).toBe('Job run of train.ipynb succeeded.');
    expect(type).toBe('success');
    expect(options.actions).toHaveLength(1);
    expect(options.actions[0].label).toBe('Open');
    options.actions[0].callback(new MouseEvent('click'));
    expect(openRun).toHaveBeenCalledWith('jr-7');
  });

  it('keeps failures until closed', () => {
    notifyFinishedRuns(state, { trans, openRun });

    state.watch(makeJobRun({ status: 'failed' }));

    expect(emit.mock.calls[0][1]).toBe('error');
    expect(emit.mock.calls[0][2].autoClose).toBe(false);
  });

  it('stays quiet when turned off or disposed', () => {
    let enabled = false;
    const notifier = notifyFinishedRuns(state, {
      trans,
      openRun,
      enabled: () => enabled
    });
    state.watch(makeJobRun());
    expect(emit).not.toHaveBeenCalled();

    enabled = true;
    notifier.dispose();
    state.watch(makeJobRun());

    expect(notifier.isDisposed).toBe(true);
    expect(emit).not.toHaveBeenCalled();
  });
});
