import { MAX_LISTED_SWEEPS, SweepsState } from '../../../jobs/state/sweeps';
import { SweepState } from '../../../jobs/state/sweep';
import {
  makeClient,
  makeJobRun,
  makeSweep,
  makeSweepSummary,
  makeSweepTrial
} from '../../fixtures';

describe('SweepsState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: SweepsState;

  beforeEach(() => {
    client = makeClient();
    state = new SweepsState({ client });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('lists the most recent sweeps', async () => {
    client.listSweeps.mockResolvedValue({
      sweeps: Array.from({ length: 12 }, (_, index) =>
        makeSweepSummary({ id: `sw-${index}` })
      )
    });

    await state.start();

    expect(state.sweeps).toHaveLength(MAX_LISTED_SWEEPS);
    expect(state.sweeps[0].id).toBe('sw-0');
  });

  it('polls about every second while a sweep runs', async () => {
    jest.useFakeTimers();
    client.listSweeps.mockResolvedValue({ sweeps: [makeSweepSummary()] });
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;

    await jest.advanceTimersByTimeAsync(1000);
    expect(client.listSweeps).toHaveBeenCalledTimes(2);

    client.listSweeps.mockResolvedValue({
      sweeps: [makeSweepSummary({ status: 'succeeded', done: 2 })]
    });
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(client.listSweeps).toHaveBeenCalledTimes(3);
  });
});

describe('SweepState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: SweepState;

  beforeEach(() => {
    client = makeClient();
    state = new SweepState({ client, sweepId: 'sw-1' });
  });

  afterEach(() => {
    state.dispose();
  });

  it('fetches the sweep and lists the MLflow runs of its trials', async () => {
    client.getSweep.mockResolvedValue(
      makeSweep({
        trials: [
          makeSweepTrial(),
          makeSweepTrial({
            number: 1,
            run: makeJobRun({ id: 'jr-t1', mlflow_run_id: null })
          }),
          makeSweepTrial({
            number: 2,
            run: makeJobRun({ id: 'jr-t2', mlflow_run_id: 'run-3' })
          })
        ]
      })
    );

    await state.start();

    expect(client.getSweep).toHaveBeenCalledWith('sw-1');
    expect(state.sweep?.name).toBe('train lr sweep');
    expect(state.mlflowRunIds).toEqual(['run-1', 'run-3']);
  });

  it('shows a stopped sweep at once', async () => {
    client.getSweep.mockResolvedValue(makeSweep());
    await state.start();
    const changed = jest.fn();
    state.changed.connect(changed);

    state.update(makeSweep({ status: 'stopped' }));
    state.update(makeSweep({ id: 'sw-2', status: 'failed' }));

    expect(state.sweep?.status).toBe('stopped');
    expect(changed).toHaveBeenCalledTimes(1);
  });
});
