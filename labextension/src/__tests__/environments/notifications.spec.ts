import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import {
  installEndedNotice,
  notifyInstallEnds
} from '../../environments/notifications';
import { EnvironmentsState } from '../../environments/state/environments';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient
} from './fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('installEndedNotice', () => {
  it('names the kernel of an environment ready, or why an install failed', () => {
    expect(
      installEndedNotice(
        makeEnvironment({ state: 'ready', kernel: 'mlx-train' }),
        trans
      )
    ).toEqual({
      type: 'success',
      message: 'Environment train is ready: its kernel is mlx-train.'
    });
    expect(
      installEndedNotice(
        makeEnvironment({ state: 'failed', error: 'HTTP 404 for numpy' }),
        trans
      )
    ).toEqual({
      type: 'error',
      message: 'Installing train failed: HTTP 404 for numpy'
    });
  });
});

describe('notifyInstallEnds', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('tells the end of an install seen running, while enabled', async () => {
    // Given an install followed by the section, notices enabled
    const emit = jest.spyOn(Notification, 'emit').mockReturnValue('n');
    const client = makeEnvironmentsClient();
    client.readEnvironmentLog.mockResolvedValue(makeEnvironmentLog());
    client.getEnvironment.mockResolvedValue(
      makeEnvironment({ state: 'ready', kernel: 'mlx-train' })
    );
    const state = new EnvironmentsState({ client });
    let enabled = true;
    notifyInstallEnds(state, { trans, enabled: () => enabled });
    const log = state.showLog(makeEnvironment({ state: 'installing' }));

    // When the install ends, it is told
    await log.refresh();
    expect(emit).toHaveBeenCalledWith(
      'Environment train is ready: its kernel is mlx-train.',
      'success',
      expect.anything()
    );

    // And with notices disabled, another end is not
    enabled = false;
    await log.restart(makeEnvironment({ state: 'installing' }));
    expect(emit).toHaveBeenCalledTimes(1);
    state.dispose();
  });
});
