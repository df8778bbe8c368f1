import type { ICompareRunsResponse } from '../../../api/types';
import { JobDefinitionState } from '../../../jobs/state/definition';
import {
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeRun
} from '../../fixtures';

const COMPARISON: ICompareRunsResponse = {
  runs: [
    makeRun({ run_id: 'run-1', metrics: { loss: 0.4 } }),
    makeRun({ run_id: 'run-2', metrics: { loss: 0.3 } })
  ],
  metrics: [],
  params: []
};

describe('JobDefinitionState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobDefinitionState;

  beforeEach(() => {
    client = makeClient();
    client.getJob.mockResolvedValue(makeJobDefinition());
    // Newest first, as the server answers.
    client.listRunsOfJob.mockResolvedValue({
      runs: [
        makeJobRun({ id: 'jr-2', mlflow_run_id: 'run-2' }),
        makeJobRun({ id: 'jr-1', mlflow_run_id: 'run-1' })
      ],
      next_page_token: null,
      total: 2
    });
    client.listJobRuns.mockResolvedValue({
      runs: [],
      next_page_token: null,
      total: 0
    });
    client.compareRuns.mockResolvedValue(COMPARISON);
    state = new JobDefinitionState({ client, jobId: 'job-1' });
  });

  afterEach(() => {
    state.dispose();
  });

  it('fetches the definition, its recent runs oldest first, and their metrics', async () => {
    await state.start();

    expect(client.getJob).toHaveBeenCalledWith('job-1');
    expect(client.listRunsOfJob).toHaveBeenCalledWith('job-1', {
      max_results: 50
    });
    expect(state.definition?.name).toBe('nightly');
    expect(state.recentRuns.map(run => run.id)).toEqual(['jr-1', 'jr-2']);
    expect(client.compareRuns).toHaveBeenCalledWith({
      run_ids: ['run-1', 'run-2']
    });
    expect(state.comparison).toBe(COMPARISON);
  });

  it('compares again only when another run ended', async () => {
    await state.start();
    await state.refresh();
    expect(client.compareRuns).toHaveBeenCalledTimes(1);

    client.listRunsOfJob.mockResolvedValue({
      runs: [
        makeJobRun({ id: 'jr-3', mlflow_run_id: 'run-3' }),
        makeJobRun({ id: 'jr-2', mlflow_run_id: 'run-2' }),
        makeJobRun({ id: 'jr-1', mlflow_run_id: 'run-1' })
      ],
      next_page_token: null,
      total: 3
    });
    await state.refresh();

    expect(client.compareRuns).toHaveBeenLastCalledWith({
      run_ids: ['run-1', 'run-2', 'run-3']
    });
  });

  it('charts nothing with fewer than two tracked runs that ended', async () => {
    client.listRunsOfJob.mockResolvedValue({
      runs: [
        makeJobRun({ id: 'jr-2', status: 'running', mlflow_run_id: 'run-2' }),
        makeJobRun({ id: 'jr-1', mlflow_run_id: 'run-1' })
      ],
      next_page_token: null,
      total: 2
    });

    await state.start();

    expect(client.compareRuns).not.toHaveBeenCalled();
    expect(state.comparison).toBeNull();
  });

  it('keeps the view live when the metrics cannot be read', async () => {
    client.compareRuns.mockRejectedValue(
      makeAPIError(503, 'The tracking server cannot be reached')
    );

    await state.start();

    expect(state.error).toBeNull();
    expect(state.definition).not.toBeNull();
    expect(state.comparisonError).toBe('The tracking server cannot be reached');
  });

  it('lists its runs in its runs table while shown', async () => {
    state.active = false;
    await state.start();
    expect(client.listJobRuns).not.toHaveBeenCalled();

    state.active = true;
    await state.runs.refresh();

    expect(client.listJobRuns.mock.calls[0][0]).toMatchObject({
      job_id: 'job-1'
    });
    state.refreshInterval = 30;
    expect(state.runs.refreshInterval).toBe(30);
  });
});
