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

describe('MLXClient schedule and sweep routes', () => {
  const client = new MLXClient(
    ServerConnection.makeSettings({ baseUrl: 'http://localhost:8888/a%40b/' })
  );

  beforeEach(() => {
    mockedRequest.mockReset().mockResolvedValue(undefined);
  });

  it('call each route with its method, path, query and body', async () => {
    await client.listJobs({ notebook: 'work/a.ipynb' });
    await client.createJob({ notebook: 'a.ipynb', cron: '0 6 * * *' });
    await client.getJob('job/1');
    await client.updateJob('job-1', { cron: null });
    await client.deleteJob('job-1', { keep_runs: false, stop_runs: true });
    await client.triggerJob('job-1');
    await client.pauseJob('job-1');
    await client.resumeJob('job-1');
    await client.updateJobFromNotebook('job-1');
    await client.listRunsOfJob('job-1', {
      status: ['failed'],
      max_results: 50
    });
    await client.createSweep({
      notebook: 'a.ipynb',
      parameters: { lr: { values: [0.1, 0.01] } }
    });
    await client.listSweeps({ job_id: 'job-1' });
    await client.getSweep('sw-1');
    await client.deleteSweep('sw-1', { keep_runs: true });
    await client.stopSweep('sw-1');
    await client.previewSchedule({
      cron: '0 6 * * 1-5',
      tz: 'Europe/Paris',
      count: 5
    });

    const calls = mockedRequest.mock.calls.map(([path, init]) => [
      path,
      init?.method ?? 'GET',
      init?.body
    ]);
    expect(calls).toEqual([
      ['jobs?notebook=work%2Fa.ipynb', 'GET', undefined],
      [
        'jobs',
        'POST',
        JSON.stringify({ notebook: 'a.ipynb', cron: '0 6 * * *' })
      ],
      ['jobs/job%2F1', 'GET', undefined],
      ['jobs/job-1', 'PATCH', JSON.stringify({ cron: null })],
      ['jobs/job-1?keep_runs=false&stop_runs=true', 'DELETE', undefined],
      ['jobs/job-1/trigger', 'POST', '{}'],
      ['jobs/job-1/pause', 'POST', undefined],
      ['jobs/job-1/resume', 'POST', undefined],
      ['jobs/job-1/update-from-notebook', 'POST', undefined],
      ['jobs/job-1/runs?status=failed&max_results=50', 'GET', undefined],
      [
        'sweeps',
        'POST',
        JSON.stringify({
          notebook: 'a.ipynb',
          parameters: { lr: { values: [0.1, 0.01] } }
        })
      ],
      ['sweeps?job_id=job-1', 'GET', undefined],
      ['sweeps/sw-1', 'GET', undefined],
      ['sweeps/sw-1?keep_runs=true', 'DELETE', undefined],
      ['sweeps/sw-1/stop', 'POST', undefined],
      [
        'schedules/preview?cron=0%206%20*%20*%201-5&tz=Europe%2FParis&count=5',
        'GET',
        undefined
      ]
    ]);
  });
});
