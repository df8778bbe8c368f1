import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../api/client';
import { MLXResponseError, requestAPI } from '../api/request';
import type { IListRunsResponse } from '../api/types';
import { ExperimentsModel } from '../state/experiments';
import { makeRun } from './fixtures';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

function page(
  runs: IListRunsResponse['runs'],
  token: string | null = null
): IListRunsResponse {
  return { runs, next_page_token: token };
}

function apiError(
  status: number,
  message: string,
  field: string | null = null
): MLXResponseError {
  return new MLXResponseError(new Response(null, { status }), {
    message,
    code: status === 400 ? 'invalid_input' : 'unavailable',
    field
  });
}

/**
 * The query string of the n-th request (0-based), as search params.
 */
function query(n: number): URLSearchParams {
  const path = mockedRequest.mock.calls[n][0];
  return new URLSearchParams(path.split('?')[1] ?? '');
}

describe('ExperimentsModel', () => {
  const client = new MLXClient(ServerConnection.makeSettings());
  let model: ExperimentsModel;

  beforeEach(() => {
    mockedRequest.mockReset();
    model = new ExperimentsModel({ client, pageSize: 10 });
  });

  afterEach(() => {
    model.dispose();
  });

  it('lists nothing and asks nothing while no notebook is open', async () => {
    await model.start();

    expect(model.notebook).toBeNull();
    expect(model.runs).toEqual([]);
    expect(mockedRequest).not.toHaveBeenCalled();
  });

  it('follows the notebook path, newest runs first', async () => {
    // Given a model showing the runs of one notebook
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    await model.start();
    model.notebook = 'work/train.ipynb';
    await model.refresh();
    expect(model.runs.map(run => run.run_id)).toEqual(['run-1']);
    expect(mockedRequest.mock.calls[0][0]).toMatch(/^runs\?/);
    expect(query(0).get('notebook')).toBe('work/train.ipynb');
    expect(query(0).getAll('order_by')).toEqual(['attributes.start_time DESC']);
    expect(query(0).get('max_results')).toBe('10');
    model.setSelected('run-1', true);

    // When another notebook becomes active
    mockedRequest.mockResolvedValue(page([makeRun({ run_id: 'run-2' })]));
    model.notebook = 'other.ipynb';
    await model.refresh();

    // Then its runs replace the first notebook's, and the selection is reset
    expect(query(mockedRequest.mock.calls.length - 1).get('notebook')).toBe(
      'other.ipynb'
    );
    expect(model.runs.map(run => run.run_id)).toEqual(['run-2']);
    expect(model.selected).toEqual([]);

    // And closing the last notebook empties the list
    model.notebook = null;
    expect(model.runs).toEqual([]);
  });

  it('pages forward and back with the page tokens', async () => {
    // Given a first page that has a next one
    mockedRequest.mockResolvedValueOnce(page([makeRun()], 'token-2'));
    model.notebook = 'work/train.ipynb';
    await model.start();
    expect(model.hasNextPage).toBe(true);
    expect(model.hasPreviousPage).toBe(false);

    // When the next page is shown
    mockedRequest.mockResolvedValueOnce(
      page([makeRun({ run_id: 'run-2' })], null)
    );
    await model.nextPage();

    // Then it was asked for with the token, and is the last page
    const second = mockedRequest.mock.calls.length - 1;
    expect(query(second).get('page_token')).toBe('token-2');
    expect(model.pageIndex).toBe(1);
    expect(model.hasNextPage).toBe(false);
    expect(model.hasPreviousPage).toBe(true);
    expect(model.runs.map(run => run.run_id)).toEqual(['run-2']);

    // When going back, the first page is asked for without a token
    mockedRequest.mockResolvedValueOnce(page([makeRun()], 'token-2'));
    await model.previousPage();
    const third = mockedRequest.mock.calls.length - 1;
    expect(query(third).has('page_token')).toBe(false);
    expect(model.pageIndex).toBe(0);
    expect(model.hasNextPage).toBe(true);
  });

  it('goes back to the first page when the filter changes', async () => {
    mockedRequest.mockResolvedValue(page([makeRun()], 'token-2'));
    model.notebook = 'work/train.ipynb';
    await model.start();
    await model.nextPage();
    expect(model.pageIndex).toBe(1);

    model.filter = 'metrics.loss < 0.5';
    await model.refresh();

    const last = mockedRequest.mock.calls.length - 1;
    expect(model.pageIndex).toBe(0);
    expect(query(last).get('filter')).toBe('metrics.loss < 0.5');
    expect(query(last).has('page_token')).toBe(false);
  });

  it('sorts by a metric with ties going to the newest run', async () => {
    mockedRequest.mockResolvedValue(page([makeRun()]));
    model.notebook = 'work/train.ipynb';
    await model.start();

    model.order = { by: 'metric', key: 'loss', ascending: true };
    await model.refresh();

    expect(
      query(mockedRequest.mock.calls.length - 1).getAll('order_by')
    ).toEqual(['metrics.`loss` ASC', 'attributes.start_time DESC']);
    expect(model.metricKeys).toEqual(['accuracy', 'loss']);
  });

  it('polls quickly while a listed run is running, slowly otherwise', async () => {
    model.refreshInterval = 10;
    model.activeRefreshInterval = 3;
    model.notebook = 'work/train.ipynb';

    mockedRequest.mockResolvedValueOnce(
      page([makeRun({ status: 'RUNNING', end_time: null })])
    );
    await model.start();
    expect(model.frequency.interval).toBe(3000);

    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    await model.refresh();
    expect(model.frequency.interval).toBe(10000);
    expect(model.frequency.backoff).toBe(true);
  });

  it('surfaces the server message of a rejected filter and stops asking', async () => {
    // Given a filter the server rejects
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    model.notebook = 'work/train.ipynb';
    await model.start();
    mockedRequest.mockRejectedValueOnce(
      apiError(400, "Invalid filter 'metrics.loss <'", 'filter')
    );

    // When it is applied
    model.filter = 'metrics.loss <';
    await model.refresh();

    // Then its message is shown, the list is empty and it is not a failure
    expect(model.filterError).toBe("Invalid filter 'metrics.loss <'");
    expect(model.error).toBeNull();
    expect(model.runs).toEqual([]);
    const calls = mockedRequest.mock.calls.length;
    await model.refresh();
    expect(mockedRequest.mock.calls.length).toBe(calls);

    // And a corrected filter clears it
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    model.filter = 'metrics.loss < 1';
    await model.refresh();
    expect(model.filterError).toBeNull();
    expect(model.runs).toHaveLength(1);
  });

  it('keeps the runs and reports an unreachable tracking store', async () => {
    mockedRequest.mockResolvedValueOnce(page([makeRun()]));
    model.notebook = 'work/train.ipynb';
    await model.start();

    mockedRequest.mockRejectedValueOnce(
      apiError(503, 'The tracking store http://mlflow:5000 is unreachable.')
    );
    await model.refresh();

    expect(model.error?.message).toBe(
      'The tracking store http://mlflow:5000 is unreachable.'
    );
    expect(model.runs).toHaveLength(1);
  });

  it('keeps the page size within bounds', () => {
    model.pageSize = 1000;
    expect(model.pageSize).toBe(200);
    model.pageSize = 1;
    expect(model.pageSize).toBe(5);
  });
});
