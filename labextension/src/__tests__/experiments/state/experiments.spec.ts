import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../../api/client';
import { requestAPI } from '../../../api/request';
import type { IListRunsResponse } from '../../../api/types';
import { ExperimentsState } from '../../../experiments/state/experiments';
import { makeAPIError, makeRun } from '../../fixtures';

jest.mock('../../../api/request', () => ({
  ...jest.requireActual('../../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

function page(
  runs: IListRunsResponse['runs'],
  token: string | null = null
): IListRunsResponse {
  return { runs, next_page_token: token };
}

/**
 * The query string of the n-th request (0-based), as search params.
 */
function query(n: number): URLSearchParams {
  const path = mockedRequest.mock.calls[n][0];
  return new URLSearchParams(path.split('?')[1] ?? '');
}

describe('ExperimentsState', () => {
  const client = new MLXClient(ServerConnection.makeSettings());
  let state: ExperimentsState;

  beforeEach(() => {
    mockedRequest.mockReset();
    state = new ExperimentsState({ client, pageSize: 10 });
  });

  afterEach(() => {
    state.dispose();
  });

  it('lists nothing and asks nothing while no notebook is open', async () => {
    await state.start();

    expect(state.notebook).toBeNull();
    expect(state.runs).toEqual([]);
    expect(mockedRequest).not.toHaveBeenCalled();
  });

  it('follows the notebook path, newest runs first', async () => {
    // Given a state showing the runs of one notebook
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    await state.start();
    state.notebook = 'work/train.ipynb';
    await state.refresh();
    expect(state.runs.map(run => run.run_id)).toEqual(['run-1']);
    expect(mockedRequest.mock.calls[0][0]).toMatch(/^runs\?/);
    expect(query(0).get('notebook')).toBe('work/train.ipynb');
    expect(query(0).getAll('order_by')).toEqual(['attributes.start_time DESC']);
    expect(query(0).get('max_results')).toBe('10');
    state.setSelected('run-1', true);

    // When another notebook becomes active
    mockedRequest.mockResolvedValue(page([makeRun({ run_id: 'run-2' })]));
    state.notebook = 'other.ipynb';
    await state.refresh();

    // Then its runs replace the first notebook's, and the selection is reset
    expect(query(mockedRequest.mock.calls.length - 1).get('notebook')).toBe(
      'other.ipynb'
    );
    expect(state.runs.map(run => run.run_id)).toEqual(['run-2']);
    expect(state.selected).toEqual([]);

    // And closing the last notebook empties the list
    state.notebook = null;
    expect(state.runs).toEqual([]);
  });

  it('pages forward and back with the page tokens', async () => {
    // Given a first page that has a next one
    mockedRequest.mockResolvedValueOnce(page([makeRun()], 'token-2'));
    state.notebook = 'work/train.ipynb';
    await state.start();
    expect(state.hasNextPage).toBe(true);
    expect(state.hasPreviousPage).toBe(false);

    // When the next page is shown
    mockedRequest.mockResolvedValueOnce(
      page([makeRun({ run_id: 'run-2' })], null)
    );
    await state.nextPage();

    // Then it was asked for with the token, and is the last page
    const second = mockedRequest.mock.calls.length - 1;
    expect(query(second).get('page_token')).toBe('token-2');
    expect(state.pageIndex).toBe(1);
    expect(state.hasNextPage).toBe(false);
    expect(state.hasPreviousPage).toBe(true);
    expect(state.runs.map(run => run.run_id)).toEqual(['run-2']);

    // When going back, the first page is asked for without a token
    mockedRequest.mockResolvedValueOnce(page([makeRun()], 'token-2'));
    await state.previousPage();
    const third = mockedRequest.mock.calls.length - 1;
    expect(query(third).has('page_token')).toBe(false);
    expect(state.pageIndex).toBe(0);
    expect(state.hasNextPage).toBe(true);
  });

  it('goes back to the first page when the filter changes', async () => {
    mockedRequest.mockResolvedValue(page([makeRun()], 'token-2'));
    state.notebook = 'work/train.ipynb';
    await state.start();
    await state.nextPage();
    expect(state.pageIndex).toBe(1);

    state.filter = 'metrics.loss < 0.5';
    await state.refresh();

    const last = mockedRequest.mock.calls.length - 1;
    expect(state.pageIndex).toBe(0);
    expect(query(last).get('filter')).toBe('metrics.loss < 0.5');
    expect(query(last).has('page_token')).toBe(false);
  });

  it('sorts by a metric with ties going to the newest run', async () => {
    mockedRequest.mockResolvedValue(page([makeRun()]));
    state.notebook = 'work/train.ipynb';
    await state.start();

    state.order = { by: 'metric', key: 'loss', ascending: true };
    await state.refresh();

    expect(
      query(mockedRequest.mock.calls.length - 1).getAll('order_by')
    ).toEqual(['metrics.`loss` ASC', 'attributes.start_time DESC']);
    expect(state.metricKeys).toEqual(['accuracy', 'loss']);
  });

  it('polls quickly while a listed run is running, slowly otherwise', async () => {
    state.refreshInterval = 10;
    state.activeRefreshInterval = 3;
    state.notebook = 'work/train.ipynb';

    mockedRequest.mockResolvedValueOnce(
      page([makeRun({ status: 'RUNNING', end_time: null })])
    );
    await state.start();
    expect(state.frequency.interval).toBe(3000);

    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    await state.refresh();
    expect(state.frequency.interval).toBe(10000);
    expect(state.frequency.backoff).toBe(true);
  });

  it('surfaces the server message of a rejected filter and stops asking', async () => {
    // Given a filter the server rejects
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    state.notebook = 'work/train.ipynb';
    await state.start();
    mockedRequest.mockRejectedValueOnce(
      makeAPIError(400, "Invalid filter 'metrics.loss <'", 'filter')
    );

    // When it is applied
    state.filter = 'metrics.loss <';
    await state.refresh();

    // Then its message is shown, the list is empty and it is not a failure
    expect(state.filterError).toBe("Invalid filter 'metrics.loss <'");
    expect(state.error).toBeNull();
    expect(state.runs).toEqual([]);
    const calls = mockedRequest.mock.calls.length;
    await state.refresh();
    expect(mockedRequest.mock.calls.length).toBe(calls);

    // And a corrected filter clears it
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    state.filter = 'metrics.loss < 1';
    await state.refresh();
    expect(state.filterError).toBeNull();
    expect(state.runs).toHaveLength(1);
  });

  it('keeps the runs and reports an unreachable tracking store', async () => {
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    state.notebook = 'work/train.ipynb';
    await state.start();

    mockedRequest.mockRejectedValueOnce(
      makeAPIError(503, 'The tracking store http://mlflow:5000 is unreachable.')
    );
    await state.refresh();

    expect(state.error?.message).toBe(
      'The tracking store http://mlflow:5000 is unreachable.'
    );
    expect(state.runs).toHaveLength(1);
  });

  it('keeps the page size within bounds', () => {
    state.pageSize = 1000;
    expect(state.pageSize).toBe(200);
    state.pageSize = 1;
    expect(state.pageSize).toBe(5);
  });
});
