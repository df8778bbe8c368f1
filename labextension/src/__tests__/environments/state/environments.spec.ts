import type { IEnvironment } from '../../../api/types';
import { EnvironmentsState } from '../../../environments/state/environments';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient
} from '../fixtures';

describe('EnvironmentsState', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;
  let state: EnvironmentsState;

  beforeEach(() => {
    client = makeEnvironmentsClient();
    state = new EnvironmentsState({ client });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  it('lists the environments by name with the unreadable specs', async () => {
    client.listEnvironments.mockResolvedValue({
      environments: [
        makeEnvironment({ name: 'serve', state: 'ready' }),
        makeEnvironment({ name: 'base', state: 'declared', lock_path: null })
      ],
      problems: [{ spec_path: 'bad/environment.yml', message: 'line 3' }]
    });

    await state.start();

    expect(state.environments.map(environment => environment.name)).toEqual([
      'base',
      'serve'
    ]);
    expect(state.problems).toEqual([
      { spec_path: 'bad/environment.yml', message: 'line 3' }
    ]);
    expect(state.loaded).toBe(true);
    expect(state.logOf('base')).toBeNull();
  });

  it('does not list while inactive, and lists when shown again', async () => {
    client.listEnvironments.mockResolvedValue({
      environments: [],
      problems: []
    });
    state.active = false;
    await state.start();
    expect(client.listEnvironments).not.toHaveBeenCalled();

    state.active = true;
    await state.refresh();
    expect(client.listEnvironments).toHaveBeenCalled();
  });

  it('follows an environment seen installing, updating its row as it goes', async () => {
    // Given an environment installing elsewhere
    jest.useFakeTimers();
    const installing = (done: number): IEnvironment =>
      makeEnvironment({
        state: 'installing',
        progress: { phase: 'linking', done, total: 5 }
      });
    client.listEnvironments.mockResolvedValue({
      environments: [installing(1)],
      problems: []
    });
    client.getEnvironment.mockResolvedValueOnce(installing(2));
    client.readEnvironmentLog.mockResolvedValue(
      makeEnvironmentLog({ next_offset: 0 })
    );

    // When the list is read, its log is shown and followed
    const started = state.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    // The log's poll starts on the next animation frame.
    await jest.advanceTimersByTimeAsync(20);
    const log = state.logOf('train');
    expect(log).not.toBeNull();
    expect(state.find('train')?.progress?.done).toBe(2);

    // And the end of the install updates the list and is told
    const ended: string[] = [];
    state.installEnded.connect((_, environment) =>
      ended.push(environment.state)
    );
    client.getEnvironment.mockResolvedValueOnce(
      makeEnvironment({ state: 'ready', kernel: 'mlx-train' })
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(state.find('train')?.state).toBe('ready');
    expect(state.find('train')?.kernel).toBe('mlx-train');
    expect(ended).toEqual(['ready']);
  });

  it('shows the log of an install it started and restarts a log shown', async () => {
    client.readEnvironmentLog.mockResolvedValue(makeEnvironmentLog());
    client.getEnvironment.mockResolvedValue(
      makeEnvironment({ state: 'installing' })
    );
    state.upsert(makeEnvironment({ state: 'locked' }));

    // A lock answered: no log shown for it
    state.follow(makeEnvironment({ state: 'locked', packages: 12 }));
    expect(state.logOf('train')).toBeNull();
    expect(state.find('train')?.packages).toBe(12);

    // An install answered: its log is shown, read from its start
    state.follow(makeEnvironment({ state: 'installing' }));
    const log = state.logOf('train');
    expect(log?.environment.state).toBe('installing');
    await log?.refresh();
    expect(client.readEnvironmentLog).toHaveBeenCalledWith('train', 0);
  });

  it('drops the log of an environment removed or gone from the list', async () => {
    client.readEnvironmentLog.mockResolvedValue(
      makeEnvironmentLog({ complete: true })
    );
    const base = makeEnvironment({ name: 'base', state: 'failed' });
    const train = makeEnvironment({ name: 'train', state: 'failed' });
    state.upsert(base);
    state.upsert(train);
    const baseLog = state.showLog(base);
    const trainLog = state.showLog(train);

    state.remove('base');
    expect(baseLog.isDisposed).toBe(true);
    expect(state.find('base')).toBeNull();

    client.listEnvironments.mockResolvedValue({
      environments: [],
      problems: []
    });
    await state.start();
    expect(trainLog.isDisposed).toBe(true);
    expect(state.logOf('train')).toBeNull();
  });

  it('marks what is being done to an environment', () => {
    const changed = jest.fn();
    state.changed.connect(changed);

    state.setBusy('train', 'locking');
    expect(state.busy('train')).toBe('locking');
    state.setBusy('train', null);
    expect(state.busy('train')).toBeNull();
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('passes its install refresh interval to the logs shown', () => {
    client.readEnvironmentLog.mockResolvedValue(makeEnvironmentLog());
    const log = state.showLog(makeEnvironment({ state: 'failed' }));

    state.activeRefreshInterval = 3;

    expect(log.activeRefreshInterval).toBe(3);
  });

  it('disposes the logs it shows with itself', () => {
    client.readEnvironmentLog.mockResolvedValue(makeEnvironmentLog());
    const log = state.showLog(makeEnvironment({ state: 'failed' }));

    state.dispose();

    expect(log.isDisposed).toBe(true);
  });
});
