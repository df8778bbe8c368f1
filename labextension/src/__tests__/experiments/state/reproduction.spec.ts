import { ReproductionState } from '../../../experiments/state/reproduction';
import { makeAPIError, makeClient, makeJobRun } from '../../fixtures';

describe('ReproductionState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: ReproductionState;

  beforeEach(() => {
    client = makeClient();
    state = new ReproductionState({ client, runId: 'run-1' });
  });

  afterEach(() => {
    state.dispose();
  });

  it('follows the job run until it ends, telling its end once', async () => {
    // Given a reproduction whose job run is queued
    const queued = makeJobRun({ id: 'jr-9', status: 'queued' });
    client.reproduceRun.mockResolvedValue({
      original_run_id: 'run-1',
      job_run: queued,
      warnings: []
    });
    const failed = makeJobRun({
      id: 'jr-9',
      status: 'failed',
      mlflow_run_id: 'run-2'
    });
    client.getJobRun.mockResolvedValue(failed);
    const ended = jest.fn();
    state.ended.connect((_, run) => ended(run.status));

    // When it is reproduced and its job run is read
    const reproduction = await state.reproduce();
    await state.refresh();
    await state.refresh();

    // Then the run ended once, failed: nothing to compare
    expect(client.reproduceRun).toHaveBeenCalledWith('run-1');
    expect(reproduction?.job_run.id).toBe('jr-9');
    expect(state.jobRun?.status).toBe('failed');
    expect(ended.mock.calls).toEqual([['failed']]);
    expect(state.comparison).toBeNull();
    // And an ended job run is not asked for again
    expect(client.getJobRun).toHaveBeenCalledTimes(1);
  });

  it('compares the original with the run a successful reproduction tracked', async () => {
    client.reproduceRun.mockResolvedValue({
      original_run_id: 'run-1',
      job_run: makeJobRun({
        id: 'jr-9',
        status: 'succeeded',
        mlflow_run_id: 'run-2'
      }),
      warnings: []
    });

    await state.reproduce();

    expect(state.comparison).toEqual(['run-1', 'run-2']);
  });

  it("keeps the server's refusal as one line", async () => {
    client.reproduceRun.mockRejectedValue(
      makeAPIError(
        400,
        'Run run-1 recorded no notebook snapshot: nothing to reproduce.',
        'run_id'
      )
    );

    expect(await state.reproduce()).toBeNull();

    expect(state.failure).toBe(
      'Run run-1 recorded no notebook snapshot: nothing to reproduce.'
    );
    expect(state.submitting).toBe(false);
    expect(state.jobRun).toBeNull();
  });
});
