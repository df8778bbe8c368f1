import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../../api/client';
import { requestAPI } from '../../../api/request';
import type { IJobRun, IListJobRunsResponse } from '../../../api/types';
import { JobRunsState } from '../../../jobs/state/runs';
import { makeAPIError, makeClient, makeJobRun } from '../../fixtures';

jest.mock('../../../api/request', () => ({
  ...jest.requireActual('../../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

function page(
  runs: IJobRun[],
  token: string | null = null,
  total = runs.length
): IListJobRunsResponse {
  return { runs, next_page_token: token, total };
}

/**
 * The path and query of the n-th request (0-based).
 */
function request(n: number): { path: string; query: URLSearchParams } {
  const [path, query] = mockedRequest.mock.calls[n][0].split('?');
  return { path, query: new URLSearchParams(query ?? '') };
}

describe('JobRunsState listing', () => {
  const client = new MLXClient(ServerConnection.makeSettings());
  let state: JobRunsState;

  beforeEach(() => {
    mockedRequest.mockReset();
    state = new JobRunsState({ client, pageSize: 10 });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('lists the runs of all notebooks, newest first as the server orders them', async () => {
    mockedRequest.mockResolvedValue(
      page([
        makeJobRun({ id: 'jr-2', notebook: 'b.ipynb' }),
        makeJobRun({ id: 'jr-1', notebook: 'a.ipynb' })
      ])
    );

    await state.start();

    const { path, query } = request(0);
    expect(path).toBe('job-runs');
    expect(query.get('max_results')).toBe('10');
    expect(query.has('notebook')).toBe(false);
    expect(query.has('status')).toBe(false);
    expect(state.runs.map(run => run.id)).toEqual(['jr-2', 'jr-1']);
    expect(state.total).toBe(2);
    expect(state.notebooks).toEqual(['a.ipynb', 'b.ipynb']);
    expect(state.loaded).toBe(true);
  });

  it('filters by notebook and status, back on the first page', async () => {
    // Given the second page of all runs
    mockedRequest.mockResolvedValue(page([makeJobRun()], 'token-2', 30));
    await state.start();
    await state.nextPage();
    expect(state.pageIndex).toBe(1);

    // When a notebook and a status are chosen
    state.notebook = 'work/train.ipynb';
    state.status = 'failed';
    await state.refresh();

    // Then the first page of the matching runs is asked for
    const last = request(mockedRequest.mock.calls.length - 1).query;
    expect(last.get('notebook')).toBe('work/train.ipynb');
    expect(last.getAll('status')).toEqual(['failed']);
    expect(last.has('page_token')).toBe(false);
    expect(state.pageIndex).toBe(0);

    // And going back to all keeps the notebook among the choices
    state.notebook = null;
    expect(state.notebooks).toContain('work/train.ipynb');
  });

  it('pages forward and back with the page tokens', async () => {
    mockedRequest.mockResolvedValueOnce(page([makeJobRun()], 'token-2', 2));
    await state.start();
    expect(state.hasNextPage).toBe(true);
    expect(state.hasPreviousPage).toBe(false);

    mockedRequest.mockResolvedValueOnce(
      page([makeJobRun({ id: 'jr-0' })], null, 2)
    );
    await state.nextPage();
    expect(request(1).query.get('page_token')).toBe('token-2');
    expect(state.runs.map(run => run.id)).toEqual(['jr-0']);
    expect(state.hasNextPage).toBe(false);
    expect(state.hasPreviousPage).toBe(true);

    mockedRequest.mockResolvedValueOnce(page([makeJobRun()], 'token-2', 2));
    await state.previousPage();
    expect(request(2).query.has('page_token')).toBe(false);
    expect(state.pageIndex).toBe(0);
  });

  it('polls about every second while a run is active, slowly once none is', async () => {
    // Given a running run
    jest.useFakeTimers();
    mockedRequest.mockResolvedValue(
      page([makeJobRun({ status: 'running', finished_at: null })])
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(mockedRequest).toHaveBeenCalledTimes(1);

    // Then it is fetched again after a second
    await jest.advanceTimersByTimeAsync(1000);
    expect(mockedRequest).toHaveBeenCalledTimes(2);

    // When it has ended
    mockedRequest.mockResolvedValue(page([makeJobRun()]));
    await jest.advanceTimersByTimeAsync(1000);
    expect(mockedRequest).toHaveBeenCalledTimes(3);

    // Then the list is fetched at the idle interval only
    await jest.advanceTimersByTimeAsync(9000);
    expect(mockedRequest).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1000);
    expect(mockedRequest).toHaveBeenCalledTimes(4);
  });

  it('asks nothing while hidden and refreshes once shown', async () => {
    mockedRequest.mockResolvedValue(page([]));
    state.active = false;
    await state.start();
    expect(mockedRequest).not.toHaveBeenCalled();

    state.active = true;
    await state.refresh();

    expect(mockedRequest).toHaveBeenCalled();
  });

  it("reports the server's message and keeps the runs shown", async () => {
    mockedRequest.mockResolvedValueOnce(page([makeJobRun()]));
    await state.start();

    mockedRequest.mockRejectedValueOnce(
      makeAPIError(400, 'page_token: not a token of this route', 'page_token')
    );
    await state.refresh();

    expect(state.error?.message).toBe('page_token: not a token of this route');
    expect(state.runs).toHaveLength(1);
  });
});

describe('JobRunsState watching', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobRunsState;
  let finished: IJobRun[];

  beforeEach(() => {
    client = makeClient();
    client.listJobRuns.mockResolvedValue(page([]));
    state = new JobRunsState({ client });
    finished = [];
    state.finished.connect((_, run) => finished.push(run));
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('shows a watched run at once and tells when it ends, once', async () => {
    // Given a run submitted from this page, shown in the list
    const queued = makeJobRun({
      id: 'jr-9',
      status: 'queued',
      finished_at: null
    });
    client.listJobRuns.mockResolvedValue(page([queued]));
    await state.start();
    state.watch(queued);
    expect(state.runs[0].id).toBe('jr-9');
    expect(state.watched).toEqual(['jr-9']);

    // When the list shows it succeeded
    const done = makeJobRun({ id: 'jr-9', status: 'succeeded' });
    client.listJobRuns.mockResolvedValue(page([done]));
    await state.refresh();

    // Then `finished` is emitted with it, and not again
    expect(finished).toEqual([done]);
    expect(state.watched).toEqual([]);
    await state.refresh();
    expect(finished).toHaveLength(1);
    expect(client.getJobRun).not.toHaveBeenCalled();
  });

  it('fetches watched runs the page lacks, and keeps watching while hidden', async () => {
    // Given the section hidden and a watched run on no page shown
    jest.useFakeTimers();
    state.active = false;
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    client.getJobRun.mockResolvedValue(
      makeJobRun({ id: 'jr-5', status: 'running', finished_at: null })
    );
    state.watch(
      makeJobRun({ id: 'jr-5', status: 'queued', finished_at: null })
    );
    await jest.advanceTimersByTimeAsync(0);

    // Then only the watched run is asked for, about every second
    expect(client.listJobRuns).not.toHaveBeenCalled();
    const calls = client.getJobRun.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.getJobRun.mock.calls.length).toBe(calls + 1);

    // When it fails
    const failed = makeJobRun({ id: 'jr-5', status: 'failed' });
    client.getJobRun.mockResolvedValue(failed);
    await jest.advanceTimersByTimeAsync(1000);

    // Then it is told, and polling stops as nothing is shown or watched
    expect(finished).toEqual([failed]);
    const after = client.getJobRun.mock.calls.length;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(client.getJobRun.mock.calls.length).toBe(after);
  });

  it('forgets a watched run deleted meanwhile', async () => {
    await state.start();
    client.getJobRun.mockRejectedValue(makeAPIError(404, "No job run 'jr-3'"));

    state.watch(
      makeJobRun({ id: 'jr-3', status: 'queued', finished_at: null })
    );
    await state.refresh();

    expect(state.watched).toEqual([]);
    expect(state.error).toBeNull();
    expect(finished).toEqual([]);
  });

  it('tells at once about a run that has ended already', () => {
    const done = makeJobRun();

    state.watch(done);

    expect(finished).toEqual([done]);
  });

  it('updates, highlights and removes runs between refreshes', async () => {
    client.listJobRuns.mockResolvedValue(page([makeJobRun()], null, 1));
    await state.start();

    state.upsert(
      makeJobRun({ id: 'jr-2', status: 'queued', finished_at: null })
    );
    state.highlight('jr-2');
    expect(state.runs.map(run => run.id)).toEqual(['jr-2', 'jr-1']);
    expect(state.total).toBe(2);
    expect(state.highlighted).toBe('jr-2');

    state.upsert(makeJobRun({ id: 'jr-2', status: 'stopped' }));
    expect(state.runs[0].status).toBe('stopped');

    state.remove('jr-1');
    expect(state.runs.map(run => run.id)).toEqual(['jr-2']);
    expect(state.total).toBe(1);
  });
});
