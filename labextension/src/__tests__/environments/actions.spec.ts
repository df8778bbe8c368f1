import * as apputils from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { EnvironmentActions } from '../../environments/actions';
import { EnvironmentsState } from '../../environments/state/environments';
import * as formDialog from '../../environments/widgets/environment-form-dialog';
import * as lockDiffDialog from '../../environments/widgets/lock-diff-dialog';
import { answerDialog, showDialog } from '../dialogs';
import { makeAPIError } from '../fixtures';
import {
  makeEnvironment,
  makeEnvironmentLog,
  makeEnvironmentsClient,
  makeLockDiff
} from './fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return { ...actual, showDialog: jest.fn() };
});

const trans = nullTranslator.load('jupyter_mlx');

/**
 * Answer the next confirmation with `button`, its checkbox `checked`.
 */
function answer(button: 'cancel' | 'remove', checked = false): void {
  answerDialog(button === 'remove', checked);
}

describe('EnvironmentActions', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;
  let state: EnvironmentsState;
  let actions: EnvironmentActions;
  let openPath: jest.Mock;
  let onRemoved: jest.Mock;
  let error: jest.SpyInstance;
  let emit: jest.SpyInstance;
  let update: jest.SpyInstance;

  beforeEach(() => {
    client = makeEnvironmentsClient();
    client.listEnvironments.mockResolvedValue({
      environments: [],
      problems: []
    });
    client.readEnvironmentLog.mockResolvedValue(makeEnvironmentLog());
    state = new EnvironmentsState({ client });
    state.active = false;
    openPath = jest.fn();
    onRemoved = jest.fn();
    actions = new EnvironmentActions({
      client,
      state,
      trans,
      openPath,
      onRemoved
    });
    error = jest.spyOn(apputils.Notification, 'error').mockReturnValue('n');
    emit = jest.spyOn(apputils.Notification, 'emit').mockReturnValue('lock-1');
    update = jest.spyOn(apputils.Notification, 'update').mockReturnValue(true);
    showDialog.mockReset();
  });

  afterEach(() => {
    state.dispose();
    jest.restoreAllMocks();
  });

  it('locks with the environment busy meanwhile, then says how many packages', async () => {
    // Given a lock the server takes a while to answer
    let resolve!: (value: ReturnType<typeof makeEnvironment>) => void;
    client.lockEnvironment.mockReturnValueOnce(
      new Promise(done => (resolve = done))
    );
    state.upsert(makeEnvironment({ state: 'declared', lock_path: null }));

    // When the lock is asked for, the environment shows it is locking
    const locking = actions.lock(makeEnvironment({ state: 'declared' }));
    expect(state.busy('train')).toBe('locking');
    expect(emit).toHaveBeenCalledWith('Locking train…', 'in-progress', {
      autoClose: false
    });

    // When it is answered, the locked environment shows
    resolve(makeEnvironment({ state: 'locked', packages: 12 }));
    await locking;
    expect(client.lockEnvironment).toHaveBeenCalledWith('train', {});
    expect(state.busy('train')).toBeNull();
    expect(state.find('train')?.state).toBe('locked');
    expect(update).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'lock-1',
        type: 'success',
        message: 'Locked train: 12 packages.'
      })
    );
  });

  it("tells why a lock failed with the solver's explanation", async () => {
    client.lockEnvironment.mockRejectedValueOnce(
      makeAPIError(
        400,
        'Cannot solve: numpy >=3 conflicts with python 3.8',
        'spec'
      )
    );

    expect(await actions.lock(makeEnvironment(), 'conda-lock')).toBeNull();

    expect(client.lockEnvironment).toHaveBeenCalledWith('train', {
      solver: 'conda-lock'
    });
    expect(update).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'error',
        message:
          'Cannot lock train: Cannot solve: numpy >=3 conflicts with python 3.8',
        autoClose: false
      })
    );
    expect(state.busy('train')).toBeNull();
    expect(state.failure('train')).toBe(
      'Cannot lock train: Cannot solve: numpy >=3 conflicts with python 3.8'
    );
  });

  it('starts an install and follows its log', async () => {
    client.installEnvironment.mockResolvedValueOnce(
      makeEnvironment({ state: 'installing' })
    );
    client.getEnvironment.mockResolvedValue(
      makeEnvironment({ state: 'installing' })
    );

    const installing = await actions.install(makeEnvironment());

    expect(installing?.state).toBe('installing');
    expect(state.find('train')?.state).toBe('installing');
    expect(state.logOf('train')).not.toBeNull();
  });

  it("tells why an install could not start, with the server's message", async () => {
    client.installEnvironment.mockRejectedValueOnce(
      makeAPIError(
        400,
        "environment 'train' is stale: run `jupyter mlx env lock train`",
        'name'
      )
    );

    expect(await actions.install(makeEnvironment())).toBeNull();

    expect(error.mock.calls[0][0]).toBe(
      "Cannot install train: environment 'train' is stale: run `jupyter mlx env lock train`"
    );
    expect(state.failure('train')).toBe(error.mock.calls[0][0]);

    // A new attempt forgets the failure
    client.installEnvironment.mockResolvedValueOnce(
      makeEnvironment({ state: 'installing' })
    );
    client.getEnvironment.mockResolvedValue(
      makeEnvironment({ state: 'installing' })
    );
    await actions.install(makeEnvironment());
    expect(state.failure('train')).toBeNull();
  });

  it('removes an environment once confirmed, keeping its spec unless asked', async () => {
    client.deleteEnvironment.mockResolvedValue(undefined);
    state.upsert(makeEnvironment({ kernel: 'mlx-train' }));

    answer('cancel');
    expect(await actions.remove(makeEnvironment())).toBe(false);
    expect(client.deleteEnvironment).not.toHaveBeenCalled();

    answer('remove');
    expect(await actions.remove(makeEnvironment({ kernel: 'mlx-train' }))).toBe(
      true
    );
    expect(client.deleteEnvironment).toHaveBeenLastCalledWith('train', {
      delete_spec: false
    });
    expect(showDialog.mock.calls[1][0]).toMatchObject({
      body: 'Remove train: its installed files and its kernel mlx-train?',
      checkbox: { checked: false }
    });
    expect(onRemoved).toHaveBeenCalledWith('train');

    answer('remove', true);
    await actions.remove(makeEnvironment());
    expect(client.deleteEnvironment).toHaveBeenLastCalledWith('train', {
      delete_spec: true
    });
    expect(state.find('train')).toBeNull();
  });

  it('shows why a removal was refused: the job that uses the environment', async () => {
    client.deleteEnvironment.mockRejectedValueOnce(
      makeAPIError(409, "Job definition 'nightly' runs on environment 'train'")
    );
    state.upsert(makeEnvironment());
    answer('remove');

    expect(await actions.remove(makeEnvironment())).toBe(false);

    expect(error.mock.calls[0][0]).toBe(
      "Cannot remove train: Job definition 'nightly' runs on environment 'train'"
    );
    expect(state.find('train')).not.toBeNull();
    expect(state.busy('train')).toBeNull();
    expect(onRemoved).not.toHaveBeenCalled();
  });

  it('shows the lock diff, or why it cannot', async () => {
    const show = jest
      .spyOn(lockDiffDialog, 'showLockDiffDialog')
      .mockResolvedValue(undefined);
    const diff = makeLockDiff();
    client.getLockDiff.mockResolvedValueOnce(diff);

    await actions.showLockDiff(makeEnvironment());
    expect(show).toHaveBeenCalledWith(diff, trans);

    client.getLockDiff.mockRejectedValueOnce(
      makeAPIError(404, "Environment 'train' is not locked")
    );
    await actions.showLockDiff(makeEnvironment());
    expect(error.mock.calls[0][0]).toBe(
      "Cannot compare the locks of train: Environment 'train' is not locked"
    );
  });

  it('shows a created environment; a file written opens in the editor', async () => {
    const success = jest
      .spyOn(apputils.Notification, 'success')
      .mockReturnValue('n');
    const show = jest.spyOn(formDialog, 'showEnvironmentFormDialog');
    const created = makeEnvironment({ state: 'declared', lock_path: null });

    show.mockResolvedValueOnce({ environment: created, mode: 'file' });
    await actions.create();
    expect(state.find('train')).toEqual(created);
    expect(state.highlighted).toBe('train');
    expect(openPath).toHaveBeenCalledWith('envs/train/environment.yml');
    expect(success).not.toHaveBeenCalled();

    show.mockResolvedValueOnce({ environment: created, mode: 'fields' });
    await actions.create();
    expect(openPath).toHaveBeenCalledTimes(1);
    expect(success.mock.calls[0][0]).toBe(
      'Environment train declared in envs/train/environment.yml. Lock it next.'
    );

    show.mockResolvedValueOnce(null);
    expect(await actions.create()).toBeNull();
  });
});
