import * as apputils from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { JobActions } from '../../jobs/actions';
import { JobRunsState } from '../../jobs/state/runs';
import { answerDialog, showDialog } from '../dialogs';
import { makeAPIError, makeClient, makeJobRun } from '../fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return { ...actual, showDialog: jest.fn() };
});

const trans = nullTranslator.load('jupyter_mlx');

describe('JobActions', () => {
  let client: ReturnType<typeof makeClient>;
  let runs: JobRunsState;
  let actions: JobActions;
  let error: jest.SpyInstance;
  const onCreated = jest.fn();
  const onChanged = jest.fn();
  const onDeleted = jest.fn();

  beforeEach(() => {
    client = makeClient();
    client.listJobRuns.mockResolvedValue({
      runs: [],
      next_page_token: null,
      total: 0
    });
    client.getJobRun.mockImplementation(async id =>
      makeJobRun({ id, status: 'queued', finished_at: null })
    );
    runs = new JobRunsState({ client });
    runs.active = false;
    actions = new JobActions({
      client,
      runs,
      trans,
      onCreated,
      onChanged,
      onDeleted
    });
    error = jest.spyOn(apputils.Notification, 'error').mockReturnValue('n');
    onCreated.mockClear();
    onChanged.mockClear();
    onDeleted.mockClear();
    showDialog.mockReset();
  });

  afterEach(() => {
    runs.dispose();
    error.mockRestore();
  });

  it('re-runs with the same parameters as a run of the same job, and watches it', async () => {
    const created = makeJobRun({
      id: 'jr-2',
      status: 'queued',
      finished_at: null
    });
    client.createJobRun.mockResolvedValue(created);

    await actions.rerun(makeJobRun({ parameters: { epochs: 3 } }));

    expect(client.createJobRun.mock.calls[0][0]).toMatchObject({
      notebook: 'work/train.ipynb',
      parameters: { epochs: 3 },
      job_id: 'job-1'
    });
    expect(client.createJobRun.mock.calls[0][0].idempotency_key).toBeTruthy();
    expect(runs.watched).toEqual(['jr-2']);
    expect(runs.highlighted).toBe('jr-2');
    expect(onCreated).toHaveBeenCalledWith(created);
  });

  it("tells why a re-run was refused, with the server's message", async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(400, 'epochs: no such parameter', 'parameters.epochs')
    );

    expect(await actions.rerun(makeJobRun())).toBeNull();

    expect(error).toHaveBeenCalledWith(
      'Cannot run train.ipynb again: epochs: no such parameter',
      { autoClose: false }
    );
  });

  it('stops a run and shows it stopped', async () => {
    const stopped = makeJobRun({ status: 'stopped' });
    client.stopJobRun.mockResolvedValue(stopped);

    await actions.stop(makeJobRun({ status: 'running', finished_at: null }));

    expect(client.stopJobRun).toHaveBeenCalledWith('jr-1');
    expect(onChanged).toHaveBeenCalledWith(stopped);
  });

  it('deletes a run only once confirmed', async () => {
    answerDialog(false);
    expect(await actions.delete(makeJobRun())).toBe(false);
    expect(client.deleteJobRun).not.toHaveBeenCalled();

    answerDialog(true);
    client.deleteJobRun.mockResolvedValue(undefined);
    expect(await actions.delete(makeJobRun())).toBe(true);
    expect(client.deleteJobRun).toHaveBeenCalledWith('jr-1');
    expect(onDeleted).toHaveBeenCalledWith('jr-1');
  });

  it('tells why a run cannot be deleted', async () => {
    answerDialog(true);
    client.deleteJobRun.mockRejectedValue(
      makeAPIError(409, "Job run 'jr-1' is running: stop it first")
    );

    expect(await actions.delete(makeJobRun())).toBe(false);

    expect(error.mock.calls[0][0]).toBe(
      "Cannot delete the run of train.ipynb: Job run 'jr-1' is running: stop it first"
    );
    expect(onDeleted).not.toHaveBeenCalled();
  });
});
