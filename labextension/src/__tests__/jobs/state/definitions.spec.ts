import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../../api/client';
import { requestAPI } from '../../../api/request';
import type { IJobDefinition, IListJobsResponse } from '../../../api/types';
import { JobDefinitionsState } from '../../../jobs/state/definitions';
import { makeAPIError, makeJobDefinition } from '../../fixtures';

jest.mock('../../../api/request', () => ({
  ...jest.requireActual('../../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

function answer(jobs: IJobDefinition[]): IListJobsResponse {
  return { jobs };
}

describe('JobDefinitionsState', () => {
  const client = new MLXClient(ServerConnection.makeSettings());
  let state: JobDefinitionsState;

  beforeEach(() => {
    mockedRequest.mockReset();
    state = new JobDefinitionsState({ client });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('lists every definition by name', async () => {
    mockedRequest.mockResolvedValue(
      answer([makeJobDefinition(), makeJobDefinition({ id: 'job-2' })])
    );

    await state.start();

    expect(mockedRequest.mock.calls[0][0]).toBe('jobs');
    expect(state.definitions.map(definition => definition.id)).toEqual([
      'job-1',
      'job-2'
    ]);
    expect(state.loaded).toBe(true);
  });

  it('polls about every second while a shown definition has a run going', async () => {
    // Given a definition with a run going
    jest.useFakeTimers();
    mockedRequest.mockResolvedValue(
      answer([makeJobDefinition({ active_runs: 1 })])
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;

    // Then it is fetched again after a second
    await jest.advanceTimersByTimeAsync(1000);
    expect(mockedRequest).toHaveBeenCalledTimes(2);

    // When the run has ended, it is fetched at the idle interval only
    mockedRequest.mockResolvedValue(answer([makeJobDefinition()]));
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(9000);
    expect(mockedRequest).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1000);
    expect(mockedRequest).toHaveBeenCalledTimes(4);
  });

  it('asks nothing while hidden, unless watching for notifications', async () => {
    mockedRequest.mockResolvedValue(answer([]));
    state.active = false;
    await state.start();
    expect(mockedRequest).not.toHaveBeenCalled();

    state.watching = true;
    await state.refresh();
    expect(mockedRequest).toHaveBeenCalledTimes(1);

    state.watching = false;
    state.active = true;
    await state.refresh();
    expect(mockedRequest).toHaveBeenCalledTimes(2);
  });

  it('shows a created, changed or deleted definition at once', async () => {
    mockedRequest.mockResolvedValue(
      answer([makeJobDefinition({ id: 'job-2', name: 'weekly' })])
    );
    await state.start();

    state.upsert(makeJobDefinition({ id: 'job-1', name: 'daily' }));
    state.upsert(makeJobDefinition({ id: 'job-2', name: 'a weekly' }));
    state.highlight('job-1');
    expect(state.definitions.map(definition => definition.name)).toEqual([
      'a weekly',
      'daily'
    ]);
    expect(state.highlighted).toBe('job-1');

    state.remove('job-2');
    expect(state.definitions.map(definition => definition.id)).toEqual([
      'job-1'
    ]);
  });

  it("reports the server's message and keeps the definitions shown", async () => {
    mockedRequest.mockResolvedValueOnce(answer([makeJobDefinition()]));
    await state.start();

    mockedRequest.mockRejectedValueOnce(
      makeAPIError(503, 'The job store cannot be reached')
    );
    await state.refresh();

    expect(state.error?.message).toBe('The job store cannot be reached');
    expect(state.definitions).toHaveLength(1);
  });
});
