import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import {
  ScheduleOutcomes,
  finishedNotice,
  notifyFinishedRuns,
  notifyScheduleOutcomes
} from '../../jobs/notifications';
import { JobDefinitionsState } from '../../jobs/state/definitions';
import { JobRunsState } from '../../jobs/state/runs';
import {
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeJobRunBrief
} from '../fixtures';

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

/**
 * A definition whose last run is `id` in `status`, after a run that ended
 * `previous`.
 */
function definition(
  id: string,
  status: 'running' | 'failed' | 'succeeded' | 'timed_out' | 'stopped',
  previous: 'failed' | 'succeeded' | null = null,
  notify = true
) {
  return makeJobDefinition({
    notify,
    last_run: makeJobRunBrief({ id, status }),
    previous_status: previous
  });
}

describe('ScheduleOutcomes', () => {
  it('tells nothing of the runs that had ended when the page loaded', () => {
    const outcomes = new ScheduleOutcomes(trans);

    expect(outcomes.check([definition('jr-1', 'failed')])).toEqual([]);
    expect(outcomes.check([definition('jr-1', 'failed')])).toEqual([]);
  });

  it('tells a failure once, and a success after a failure as a recovery', () => {
    // Given a definition whose run was going when the page loaded
    const outcomes = new ScheduleOutcomes(trans);
    outcomes.check([definition('jr-1', 'running')]);

    // When it fails, it is told once
    const failed = outcomes.check([definition('jr-1', 'failed')]);
    expect(failed.map(outcome => [outcome.type, outcome.message])).toEqual([
      ['error', 'A run of nightly failed.']
    ]);
    expect(outcomes.check([definition('jr-1', 'failed')])).toEqual([]);

    // When the next run times out, it is told as well
    expect(
      outcomes.check([definition('jr-2', 'timed_out', 'failed')])[0].message
    ).toBe('A run of nightly timed out.');

    // When the next succeeds after the failures, it recovered
    const recovered = outcomes.check([
      definition('jr-3', 'succeeded', 'failed')
    ]);
    expect(recovered.map(outcome => [outcome.type, outcome.run.id])).toEqual([
      ['success', 'jr-3']
    ]);
    expect(recovered[0].message).toBe(
      'nightly recovered: its run succeeded after a failure.'
    );
  });

  it('tells nothing of successes after successes, stops, or quiet definitions', () => {
    const outcomes = new ScheduleOutcomes(trans);
    outcomes.check([]);

    expect(
      outcomes.check([
        definition('jr-1', 'succeeded', 'succeeded'),
        definition('jr-2', 'stopped', 'failed'),
        definition('jr-3', 'failed', null, false)
      ])
    ).toEqual([]);
  });
});

describe('notifyScheduleOutcomes', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobDefinitionsState;
  let emit: jest.SpyInstance;
  const openRun = jest.fn();

  beforeEach(() => {
    client = makeClient();
    state = new JobDefinitionsState({ client });
    emit = jest.spyOn(Notification, 'emit').mockReturnValue('n-1');
    openRun.mockClear();
  });

  afterEach(() => {
    state.dispose();
    emit.mockRestore();
  });

  it('notifies a failed scheduled run once, with a button opening it', async () => {
    // Given the definitions as the page loaded them, a run going
    client.listJobs.mockResolvedValue({
      jobs: [definition('jr-1', 'running')]
    });
    notifyScheduleOutcomes(state, { trans, openRun });
    await state.start();

    // When the run failed
    client.listJobs.mockResolvedValue({ jobs: [definition('jr-1', 'failed')] });
    await state.refresh();
    await state.refresh();

    // Then it is told once, until closed, and opens the run
    expect(emit).toHaveBeenCalledTimes(1);
    const [message, type, options] = emit.mock.calls[0];
    expect([message, type, options.autoClose]).toEqual([
      'A run of nightly failed.',
      'error',
      false
    ]);
    options.actions[0].callback(new MouseEvent('click'));
    expect(openRun).toHaveBeenCalledWith('jr-1');
  });

  it('stays quiet when turned off', async () => {
    client.listJobs.mockResolvedValue({
      jobs: [definition('jr-1', 'running')]
    });
    notifyScheduleOutcomes(state, { trans, openRun, enabled: () => false });
    await state.start();

    client.listJobs.mockResolvedValue({ jobs: [definition('jr-1', 'failed')] });
    await state.refresh();

    expect(emit).not.toHaveBeenCalled();
  });
});
