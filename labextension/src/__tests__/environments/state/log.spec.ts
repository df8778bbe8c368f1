import type { IEnvironment } from '../../../api/types';
import { EnvironmentLogState } from '../../../environments/state/log';
import { makeAPIError } from '../../fixtures';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient
} from '../fixtures';

describe('EnvironmentLogState', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;
  let state: EnvironmentLogState;

  const installing = (done: number, total = 4): IEnvironment =>
    makeEnvironment({
      state: 'installing',
      progress: { phase: 'linking', done, total }
    });

  beforeEach(() => {
    client = makeEnvironmentsClient();
  });

  afterEach(() => {
    state?.dispose();
    jest.useRealTimers();
  });

  it('follows an install: its progress and its log from the last offset', async () => {
    // Given an environment installing, its log at its first line
    jest.useFakeTimers();
    state = new EnvironmentLogState({ client, environment: installing(0) });
    client.getEnvironment.mockResolvedValueOnce(installing(1));
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 8, text: 'solving\n' })
    );
    const seen: number[] = [];
    state.environmentChanged.connect((_, environment) =>
      seen.push(environment.progress?.done ?? -1)
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(client.getEnvironment).toHaveBeenLastCalledWith('train');
    expect(client.readEnvironmentLog).toHaveBeenLastCalledWith('train', 0);
    expect(state.log).toBe('solving\n');
    expect(state.environment.progress?.done).toBe(1);

    // When a second has passed, the log is read on from where it stopped
    client.getEnvironment.mockResolvedValueOnce(installing(3));
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ offset: 8, next_offset: 17, text: 'linking\n' })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.readEnvironmentLog).toHaveBeenLastCalledWith('train', 8);
    expect(state.log).toBe('solving\nlinking\n');
    expect(state.logOffset).toBe(17);
    expect(seen).toEqual([1, 3]);
  });

  it('tells the end of the install, reads the rest of the log, then asks nothing', async () => {
    // Given an install whose last step has just ended
    jest.useFakeTimers();
    state = new EnvironmentLogState({ client, environment: installing(3) });
    const ended: IEnvironment[] = [];
    state.installEnded.connect((_, environment) => ended.push(environment));
    client.getEnvironment.mockResolvedValueOnce(
      makeEnvironment({ state: 'ready', kernel: 'mlx-train' })
    );
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 5, text: 'kern\n', complete: false })
    );
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    expect(ended.map(environment => environment.state)).toEqual(['ready']);
    expect(state.logComplete).toBe(false);

    // When the rest of the log is read
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({
        offset: 5,
        next_offset: 10,
        text: 'done\n',
        complete: true
      })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(state.log).toBe('kern\ndone\n');
    expect(state.logComplete).toBe(true);

    // Then nothing more is asked, and the end is told once
    const reads = client.readEnvironmentLog.mock.calls.length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(client.readEnvironmentLog.mock.calls.length).toBe(reads);
    expect(client.getEnvironment).toHaveBeenCalledTimes(1);
    expect(ended).toHaveLength(1);
  });

  it('keeps reading while installing even when a piece says complete', async () => {
    state = new EnvironmentLogState({ client, environment: installing(0) });
    client.getEnvironment.mockResolvedValue(installing(0));
    client.readEnvironmentLog.mockResolvedValue(
      makeEnvironmentLog({ complete: true })
    );

    await state.start();
    await state.refresh();

    expect(client.readEnvironmentLog).toHaveBeenCalledTimes(2);
  });

  it('reads the log of a failed install once, without asking for the environment', async () => {
    state = new EnvironmentLogState({
      client,
      environment: makeEnvironment({ state: 'failed', error: 'no space' })
    });
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 6, text: 'boom!\n', complete: true })
    );

    await state.start();
    await state.refresh();

    expect(state.log).toBe('boom!\n');
    expect(client.readEnvironmentLog).toHaveBeenCalledTimes(1);
    expect(client.getEnvironment).not.toHaveBeenCalled();
  });

  it('reads a new install from the start of its log after a restart', async () => {
    // Given the whole log of an earlier install
    state = new EnvironmentLogState({
      client,
      environment: makeEnvironment({ state: 'ready' })
    });
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 4, text: 'old\n', complete: true })
    );
    await state.start();
    expect(state.logOffset).toBe(4);

    // When a new install starts
    client.getEnvironment.mockResolvedValueOnce(installing(0));
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 4, text: 'new\n' })
    );
    await state.restart(installing(0));

    // Then its log is read from offset 0, alone
    expect(client.readEnvironmentLog).toHaveBeenLastCalledWith('train', 0);
    expect(state.log).toBe('new\n');
    expect(state.logComplete).toBe(false);
  });

  it('keeps what it read when a refresh fails, and says why', async () => {
    state = new EnvironmentLogState({ client, environment: installing(0) });
    client.getEnvironment.mockResolvedValueOnce(installing(1));
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ next_offset: 3, text: 'ok\n' })
    );
    await state.start();

    client.getEnvironment.mockRejectedValueOnce(
      makeAPIError(404, "Environment 'train' not found", 'name')
    );
    client.readEnvironmentLog.mockResolvedValueOnce(
      makeEnvironmentLog({ offset: 3, next_offset: 3 })
    );
    await state.refresh();

    expect(state.error?.message).toBe("Environment 'train' not found");
    expect(state.log).toBe('ok\n');
  });
});
