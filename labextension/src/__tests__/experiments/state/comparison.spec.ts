import type { ICompareRunsResponse, IRunSummary } from '../../../api/types';
import { RunComparisonState } from '../../../experiments/state/comparison';
import { makeAPIError, makeClient, makeRun } from '../../fixtures';

function comparison(runs: IRunSummary[]): ICompareRunsResponse {
  return {
    runs,
    metrics: [
      {
        key: 'loss',
        steps: [0, 1],
        values: Object.fromEntries(runs.map(run => [run.run_id, [0.9, 0.5]]))
      }
    ],
    params: [
      {
        key: 'lr',
        values: Object.fromEntries(
          runs.map(run => [run.run_id, run.params.lr])
        ),
        differs: true
      }
    ]
  };
}

describe('RunComparisonState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: RunComparisonState;
  const runs = [
    makeRun({ run_id: 'a', run_name: 'run-a', params: { lr: '0.01' } }),
    makeRun({ run_id: 'b', run_name: null, params: { lr: '0.05' } })
  ];

  beforeEach(() => {
    client = makeClient();
    client.compareRuns.mockResolvedValue(comparison(runs));
    state = new RunComparisonState({
      client,
      runIds: ['a', 'b'],
      refreshInterval: 10,
      activeRefreshInterval: 2
    });
  });

  afterEach(() => {
    state.dispose();
  });

  it('asks the server to align the runs and shows its answer', async () => {
    expect(state.comparison).toBeNull();

    await state.start();

    expect(client.compareRuns).toHaveBeenCalledWith({ run_ids: ['a', 'b'] });
    expect(state.runIds).toEqual(['a', 'b']);
    expect(state.comparison?.metrics.map(series => series.key)).toEqual([
      'loss'
    ]);
    expect(state.comparison?.params[0].values).toEqual({
      a: '0.01',
      b: '0.05'
    });
  });

  it('names a run by its run name, else by its id', async () => {
    expect(state.runName('a')).toBe('a');

    await state.start();

    expect(state.runName('a')).toBe('run-a');
    expect(state.runName('b')).toBe('b');
    expect(state.runName('unknown')).toBe('unknown');
  });

  it('keeps its own copy of the run ids', () => {
    const ids = ['a', 'b'];
    const own = new RunComparisonState({ client, runIds: ids });

    ids.push('c');

    expect(own.runIds).toEqual(['a', 'b']);
    own.dispose();
  });

  it('refreshes quickly while a compared run is active', async () => {
    client.compareRuns.mockResolvedValueOnce(
      comparison([runs[0], { ...runs[1], status: 'RUNNING', end_time: null }])
    );
    await state.start();
    expect(state.frequency.interval).toBe(2000);

    await state.refresh();
    expect(state.frequency.interval).toBe(10000);
  });

  it("reports the server's message and keeps the last comparison", async () => {
    // Given a comparison shown once
    await state.start();

    // When one of the runs was deleted meanwhile
    client.compareRuns.mockRejectedValue(makeAPIError(404, "No run 'b'"));
    await state.refresh();

    // Then the server's message is the error, and the comparison stays
    expect(state.error?.message).toBe("No run 'b'");
    expect(state.comparison?.runs).toHaveLength(2);
  });
});
