import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../api/client';
import { requestAPI, requestBlob } from '../../api/request';

jest.mock('../../api/request', () => ({
  ...jest.requireActual('../../api/request'),
  requestAPI: jest.fn(),
  requestBlob: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;
const mockedBlob = requestBlob as jest.MockedFunction<typeof requestBlob>;

describe('MLXClient jobs routes', () => {
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/'
  });
  const client = new MLXClient(settings);

  beforeEach(() => {
    mockedRequest.mockReset().mockResolvedValue(undefined);
    mockedBlob.mockReset().mockResolvedValue(new Blob());
  });

  it('call each route with its method, path and query', async () => {
    await client.getNotebookParameters('work/a b.ipynb');
    await client.createJobRun({ notebook: 'a.ipynb', parameters: { x: 1 } });
    await client.listJobRuns({
      notebook: 'a.ipynb',
      status: ['queued', 'running'],
      max_results: 5,
      page_token: null
    });
    await client.getJobRun('jr/1');
    await client.deleteJobRun('jr-1');
    await client.stopJobRun('jr-1');
    await client.readJobRunLog('jr-1', 42);
    await client.getJobRunOutput('jr-1', 'html');

    const calls = mockedRequest.mock.calls.map(([path, init]) => [
      path,
      init?.method ?? 'GET',
      init?.body
    ]);
    expect(calls).toEqual([
      ['notebooks/parameters?path=work%2Fa%20b.ipynb', 'GET', undefined],
      [
        'job-runs',
        'POST',
        JSON.stringify({ notebook: 'a.ipynb', parameters: { x: 1 } })
      ],
      [
        'job-runs?notebook=a.ipynb&status=queued&status=running&max_results=5',
        'GET',
        undefined
      ],
      ['job-runs/jr%2F1', 'GET', undefined],
      ['job-runs/jr-1', 'DELETE', undefined],
      ['job-runs/jr-1/stop', 'POST', undefined],
      ['job-runs/jr-1/log?offset=42', 'GET', undefined]
    ]);
    expect(mockedBlob.mock.calls[0][0]).toBe(
      'job-runs/jr-1/output?format=html'
    );
  });

  it('build the URL of the output under the base URL', () => {
    expect(client.jobRunOutputUrl('jr-1')).toBe(
      'http://localhost:8888/a%40b/mlx/api/job-runs/jr-1/output?format=ipynb'
    );
    expect(client.jobRunOutputUrl('jr-1', 'html')).toBe(
      'http://localhost:8888/a%40b/mlx/api/job-runs/jr-1/output?format=html'
    );
  });
});
