import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import {
  CommandIDs,
  type IEnvironmentsCommandsOptions,
  registerEnvironmentsCommands
} from '../../environments/commands';
import { makeAPIError } from '../fixtures';
import { makeEnvironment } from './fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('registerEnvironmentsCommands', () => {
  const declared = makeEnvironment({
    name: 'base',
    state: 'declared',
    lock_path: null
  });
  const locked = makeEnvironment({ name: 'train', state: 'locked' });
  const installing = makeEnvironment({ name: 'serve', state: 'installing' });
  let commands: CommandRegistry;
  let options: jest.Mocked<Required<IEnvironmentsCommandsOptions>>;
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    commands = new CommandRegistry();
    const done = () => jest.fn().mockResolvedValue(undefined);
    options = {
      environments: jest.fn().mockResolvedValue([declared, locked, installing]),
      get: jest.fn(),
      pick: jest.fn(async (_title, candidates) => candidates[0]),
      create: done(),
      lock: done(),
      install: done(),
      remove: done(),
      showLockDiff: done(),
      refresh: done(),
      trans
    };
    registerEnvironmentsCommands(
      { commands } as unknown as JupyterFrontEnd,
      options
    );
    info = jest.spyOn(Notification, 'info').mockReturnValue('n');
    error = jest.spyOn(Notification, 'error').mockReturnValue('n');
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('registers each command under the mlx: prefix, described', async () => {
    const ids = Object.values(CommandIDs);
    expect(ids).toEqual([
      'mlx:create-environment',
      'mlx:lock-environment',
      'mlx:install-environment',
      'mlx:remove-environment',
      'mlx:show-environment-lock-diff',
      'mlx:refresh-environments'
    ]);
    for (const id of ids) {
      expect(commands.hasCommand(id)).toBe(true);
      expect(commands.label(id)).not.toBe('');
      expect(await commands.describedBy(id)).toHaveProperty('args');
    }
    expect(commands.label(CommandIDs.lockEnvironment, { name: 'train' })).toBe(
      'Lock Environment train'
    );
  });

  it('acts on the environment named, with its solver', async () => {
    await commands.execute(CommandIDs.lockEnvironment, {
      name: 'train',
      solver: 'conda-lock'
    });
    await commands.execute(CommandIDs.removeEnvironment, { name: 'base' });

    expect(options.lock).toHaveBeenCalledWith(locked, 'conda-lock');
    expect(options.remove).toHaveBeenCalledWith(declared);
    expect(options.pick).not.toHaveBeenCalled();
  });

  it('fetches an environment the list does not know yet', async () => {
    const other = makeEnvironment({ name: 'other' });
    options.get.mockResolvedValueOnce(other);

    await commands.execute(CommandIDs.installEnvironment, { name: 'other' });

    expect(options.get).toHaveBeenCalledWith('other');
    expect(options.install).toHaveBeenCalledWith(other);
  });

  it("tells why an environment named cannot be read, with the server's message", async () => {
    options.get.mockRejectedValueOnce(
      makeAPIError(404, "Environment 'nope' not found", 'name')
    );

    await commands.execute(CommandIDs.installEnvironment, { name: 'nope' });

    expect(error.mock.calls[0][0]).toBe(
      "Install Environment: Environment 'nope' not found"
    );
    expect(options.install).not.toHaveBeenCalled();
  });

  it('lets the user pick among the environments a command applies to', async () => {
    await commands.execute(CommandIDs.installEnvironment);
    expect(options.pick).toHaveBeenLastCalledWith('Install Environment', [
      locked
    ]);
    expect(options.install).toHaveBeenCalledWith(locked);

    await commands.execute(CommandIDs.lockEnvironment);
    expect(options.pick).toHaveBeenLastCalledWith('Lock Environment', [
      declared,
      locked
    ]);
    expect(options.lock).toHaveBeenCalledWith(declared, null);

    options.pick.mockResolvedValueOnce(null);
    await commands.execute(CommandIDs.removeEnvironment);
    expect(options.remove).not.toHaveBeenCalled();
  });

  it('says when no environment fits instead of asking', async () => {
    options.environments.mockResolvedValueOnce([declared]);

    await commands.execute(CommandIDs.installEnvironment);

    expect(info.mock.calls[0][0]).toBe(
      'No environment to install: lock one first.'
    );
    expect(options.pick).not.toHaveBeenCalled();
  });

  it('creates and refreshes', async () => {
    await commands.execute(CommandIDs.createEnvironment);
    await commands.execute(CommandIDs.refreshEnvironments);
    await commands.execute(CommandIDs.showLockDiff, { name: 'train' });

    expect(options.create).toHaveBeenCalled();
    expect(options.refresh).toHaveBeenCalled();
    expect(options.showLockDiff).toHaveBeenCalledWith(locked);
  });
});
