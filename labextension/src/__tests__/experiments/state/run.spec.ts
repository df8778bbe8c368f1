import { PromiseDelegate } from '@lumino/coreutils';
import { waitFor } from '@testing-library/react';

import type {
  IArtifactEntry,
  IListArtifactsResponse,
  IListRunMetricsResponse
} from '../../../api/types';
import { RunState } from '../../../experiments/state/run';
import { makeAPIError, makeClient, makeDescribeRun } from '../../fixtures';

function metrics(runId = 'run-1'): IListRunMetricsResponse {
  return {
    run_id: runId,
    metrics: [{ key: 'loss', steps: [0, 1], values: { [runId]: [0.9, 0.4] } }],
    max_steps: 1000,
    omitted_metrics: 0
  };
}

function folder(
  path: string,
  files: IArtifactEntry[],
  runId = 'run-1'
): IListArtifactsResponse {
  return { run_id: runId, path, files };
}

function file(path: string): IArtifactEntry {
  return { path, is_dir: false, file_size: 10 };
}

function dir(path: string): IArtifactEntry {
  return { path, is_dir: true, file_size: null };
}

describe('RunState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: RunState;

  beforeEach(() => {
    client = makeClient();
    client.getRun.mockResolvedValue(makeDescribeRun());
    client.listRunMetrics.mockResolvedValue(metrics());
    client.listArtifacts.mockResolvedValue(folder('', []));
    state = new RunState({
      client,
      runId: 'run-1',
      refreshInterval: 10,
      activeRefreshInterval: 2
    });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('loads the run, its metric histories and its artifacts, folders first', async () => {
    client.listArtifacts.mockResolvedValue(
      folder('', [
        file('model.pkl'),
        dir('plots'),
        file('config.yaml'),
        dir('notebook')
      ])
    );
    const changed = jest.fn();
    state.changed.connect(changed);

    await state.start();

    expect(client.getRun).toHaveBeenCalledWith('run-1');
    expect(client.listRunMetrics).toHaveBeenCalledWith('run-1');
    expect(client.listArtifacts).toHaveBeenCalledWith('run-1', '');
    expect(state.loaded).toBe(true);
    expect(state.error).toBeNull();
    expect(state.run?.run_name).toBe('brave-owl-1');
    expect(state.metrics.map(series => series.key)).toEqual(['loss']);
    expect(state.artifacts.map(entry => entry.path)).toEqual([
      'notebook',
      'plots',
      'config.yaml',
      'model.pkl'
    ]);
    expect(changed).toHaveBeenCalled();
  });

  it('polls at the active interval while the run is running, slowly once it finished', async () => {
    // Given a running run
    jest.useFakeTimers();
    client.getRun.mockResolvedValue(
      makeDescribeRun({ status: 'RUNNING', end_time: null })
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(client.getRun).toHaveBeenCalledTimes(1);

    // When the active interval passes, the run is fetched again
    await jest.advanceTimersByTimeAsync(2000);
    expect(client.getRun).toHaveBeenCalledTimes(2);
    expect(state.run?.status).toBe('RUNNING');

    // When the run finishes
    client.getRun.mockResolvedValue(makeDescribeRun({ status: 'FINISHED' }));
    await jest.advanceTimersByTimeAsync(2000);
    expect(client.getRun).toHaveBeenCalledTimes(3);
    expect(state.run?.status).toBe('FINISHED');

    // Then it is not fetched at the active interval any more
    await jest.advanceTimersByTimeAsync(8000);
    expect(client.getRun).toHaveBeenCalledTimes(3);

    // But once per refresh interval
    await jest.advanceTimersByTimeAsync(2000);
    expect(client.getRun).toHaveBeenCalledTimes(4);
  });

  it("reports the server's message and keeps the run it showed", async () => {
    // Given a run shown once
    await state.start();
    expect(state.run).not.toBeNull();

    // When the tracking store becomes unreachable
    client.getRun.mockRejectedValue(
      makeAPIError(
        503,
        'The tracking store at sqlite:///x.db cannot be reached'
      )
    );
    await state.refresh();

    // Then the error carries the server's message and the run stays
    expect(state.error?.message).toBe(
      'The tracking store at sqlite:///x.db cannot be reached'
    );
    expect(state.run?.run_id).toBe('run-1');
    expect(state.refreshing).toBe(false);

    // And the next successful refresh clears the error
    client.getRun.mockResolvedValue(makeDescribeRun());
    await state.refresh();
    expect(state.error).toBeNull();
  });

  it('reports an unknown run without showing one', async () => {
    client.getRun.mockRejectedValue(makeAPIError(404, "No run 'run-1'"));

    await state.start();

    expect(state.run).toBeNull();
    expect(state.loaded).toBe(false);
    expect(state.error?.message).toBe("No run 'run-1'");
  });

  it('browses into an artifact folder', async () => {
    await state.start();
    client.listArtifacts.mockResolvedValue(
      folder('plots', [file('plots/loss.png')])
    );

    await state.browse('plots');

    expect(client.listArtifacts).toHaveBeenLastCalledWith('run-1', 'plots');
    expect(state.artifactFolder).toBe('plots');
    expect(state.artifacts.map(entry => entry.path)).toEqual([
      'plots/loss.png'
    ]);
  });

  it('ignores the listing of a folder left before it arrived', async () => {
    // Given the listing of the root folder in flight
    const root = new PromiseDelegate<IListArtifactsResponse>();
    client.listArtifacts.mockImplementation((_, path) =>
      path === ''
        ? root.promise
        : Promise.resolve(folder('plots', [file('plots/loss.png')]))
    );
    const started = state.start();
    await waitFor(() =>
      expect(client.listArtifacts).toHaveBeenCalledWith('run-1', '')
    );

    // When the user opens a folder and its listing is shown
    await state.browse('plots');
    expect(state.artifacts.map(entry => entry.path)).toEqual([
      'plots/loss.png'
    ]);

    // And the root listing arrives after it
    const rootLoaded = new Promise<void>(resolve =>
      state.changed.connect(() => resolve())
    );
    root.resolve(folder('', [file('model.pkl')]));
    await Promise.all([started, rootLoaded]);

    // Then only the folder's entries are shown
    expect(client.listArtifacts).toHaveBeenLastCalledWith('run-1', 'plots');
    expect(state.artifactFolder).toBe('plots');
    expect(state.artifacts.map(entry => entry.path)).toEqual([
      'plots/loss.png'
    ]);
  });
});
