import * as apputils from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { ScheduleActions } from '../../jobs/schedule-actions';
import { JobDefinitionsState } from '../../jobs/state/definitions';
import { SweepsState } from '../../jobs/state/sweeps';
import { answerDialog, showDialog } from '../dialogs';
import {
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeSweep
} from '../fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return { ...actual, showDialog: jest.fn() };
});

const trans = nullTranslator.load('jupyter_mlx');

/**
 * Answer the next confirmation with `button`, its checkbox `checked`.
 */
function answer(button: 'cancel' | 'delete', checked = true): void {
  answerDialog(button === 'delete', checked);
}

describe('ScheduleActions', () => {
  let client: ReturnType<typeof makeClient>;
  let definitions: JobDefinitionsState;
  let sweeps: SweepsState;
  let actions: ScheduleActions;
  let error: jest.SpyInstance;
  let success: jest.SpyInstance;
  const on = {
    run: jest.fn(),
    sweep: jest.fn(),
    changed: jest.fn(),
    deleted: jest.fn(),
    sweepChanged: jest.fn(),
    sweepDeleted: jest.fn()
  };

  beforeEach(() => {
    client = makeClient();
    client.listJobs.mockResolvedValue({ jobs: [] });
    client.listSweeps.mockResolvedValue({ sweeps: [] });
    definitions = new JobDefinitionsState({ client });
    sweeps = new SweepsState({ client });
    definitions.active = false;
    sweeps.active = false;
    actions = new ScheduleActions({ client, definitions, sweeps, on, trans });
    error = jest.spyOn(apputils.Notification, 'error').mockReturnValue('n');
    success = jest.spyOn(apputils.Notification, 'success').mockReturnValue('n');
    Object.values(on).forEach(follow => follow.mockClear());
    showDialog.mockReset();
  });

  afterEach(() => {
    definitions.dispose();
    sweeps.dispose();
    error.mockRestore();
    success.mockRestore();
  });

  it('shows a saved definition and says when it runs next', () => {
    const saved = makeJobDefinition();

    actions.saved(saved, false);

    expect(definitions.definitions).toEqual([saved]);
    expect(definitions.highlighted).toBe('job-1');
    expect(on.changed).toHaveBeenCalledWith(saved);
    expect(success.mock.calls[0][0]).toMatch(
      /^Schedule nightly created\. Next run: /
    );
    actions.saved(makeJobDefinition({ next_fire_at: null }), true);
    expect(success.mock.calls[1][0]).toBe(
      'Schedule nightly saved. It runs on demand.'
    );
  });

  it('runs a definition now: its run, or its sweep', async () => {
    const run = makeJobRun({ id: 'jr-9', status: 'queued' });
    client.triggerJob.mockResolvedValueOnce({ run, sweep: null });
    await actions.trigger(makeJobDefinition());
    expect(client.triggerJob).toHaveBeenCalledWith('job-1');
    expect(on.run).toHaveBeenCalledWith(run);

    const sweep = makeSweep();
    client.triggerJob.mockResolvedValueOnce({ run: null, sweep });
    await actions.trigger(makeJobDefinition());
    expect(on.sweep).toHaveBeenCalledWith(sweep);
  });

  it('pauses, resumes and updates from the notebook, showing the result', async () => {
    const paused = makeJobDefinition({ active: false, next_fire_at: null });
    client.pauseJob.mockResolvedValue(paused);
    client.resumeJob.mockResolvedValue(makeJobDefinition());
    client.updateJobFromNotebook.mockResolvedValue(makeJobDefinition());

    expect(await actions.pause(makeJobDefinition())).toBe(paused);
    expect(definitions.definitions[0].active).toBe(false);
    await actions.resume(paused);
    expect(definitions.definitions[0].active).toBe(true);
    await actions.updateFromNotebook(
      makeJobDefinition({ notebook_changed: true })
    );

    expect(on.changed).toHaveBeenCalledTimes(3);
    expect(success.mock.calls[0][0]).toBe(
      'nightly now runs work/train.ipynb as saved.'
    );
  });

  it("tells why an action failed, with the server's message", async () => {
    client.updateJobFromNotebook.mockRejectedValue(
      makeAPIError(
        400,
        "The parameters cell no longer has 'epochs'",
        'parameters.epochs'
      )
    );

    expect(await actions.updateFromNotebook(makeJobDefinition())).toBeNull();

    expect(error.mock.calls[0][0]).toBe(
      "Cannot update nightly from work/train.ipynb: The parameters cell no longer has 'epochs'"
    );
    expect(on.changed).not.toHaveBeenCalled();
  });

  it('deletes a definition once confirmed, keeping its runs or not', async () => {
    answer('cancel');
    expect(await actions.delete(makeJobDefinition())).toBe(false);
    expect(client.deleteJob).not.toHaveBeenCalled();

    client.deleteJob.mockResolvedValue(undefined);
    answer('delete', false);
    expect(await actions.delete(makeJobDefinition())).toBe(true);
    answer('delete', true);
    await actions.delete(makeJobDefinition());

    expect(client.deleteJob.mock.calls).toEqual([
      ['job-1', { keep_runs: false, stop_runs: true }],
      ['job-1', { keep_runs: true, stop_runs: true }]
    ]);
    expect(on.deleted).toHaveBeenCalledWith('job-1');
    expect(showDialog.mock.calls[0][0]?.checkbox).toMatchObject({
      checked: true
    });
  });

  it('stops and deletes a sweep', async () => {
    const stopped = makeSweep({ status: 'stopped' });
    client.stopSweep.mockResolvedValue(stopped);
    client.deleteSweep.mockResolvedValue(undefined);

    expect(await actions.stopSweep(makeSweep())).toBe(stopped);
    expect(on.sweepChanged).toHaveBeenCalledWith(stopped);
    answer('delete', false);
    expect(await actions.deleteSweep(stopped)).toBe(true);

    expect(client.deleteSweep).toHaveBeenCalledWith('sw-1', {
      keep_runs: false
    });
    expect(on.sweepDeleted).toHaveBeenCalledWith('sw-1');
  });
});
