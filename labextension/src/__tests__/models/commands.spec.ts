import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import {
  CommandIDs,
  type IModelsCommandsOptions,
  registerModelsCommands
} from '../../models/commands';
import { answerDialog, showDialog } from '../dialogs';
import { makeAPIError, makeClient } from '../fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return { ...actual, showDialog: jest.fn() };
});

const trans = nullTranslator.load('jupyter_mlx');

describe('registerModelsCommands', () => {
  let commands: CommandRegistry;
  let client: ReturnType<typeof makeClient>;
  let options: jest.Mocked<IModelsCommandsOptions>;
  let success: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    commands = new CommandRegistry();
    client = makeClient();
    options = {
      client,
      promote: jest.fn().mockResolvedValue(null),
      openModel: jest.fn().mockResolvedValue(undefined),
      runAtContextMenu: jest.fn().mockReturnValue(null),
      refresh: jest.fn(),
      trans
    };
    registerModelsCommands({ commands } as unknown as JupyterFrontEnd, options);
    success = jest.spyOn(Notification, 'success').mockReturnValue('n');
    error = jest.spyOn(Notification, 'error').mockReturnValue('n');
    jest.spyOn(Notification, 'info').mockReturnValue('n');
  });

  afterEach(() => {
    jest.restoreAllMocks();
    showDialog.mockReset();
  });

  it('registers each command under the mlx: prefix, described', async () => {
    const ids = Object.values(CommandIDs);
    expect(ids).toEqual([
      'mlx:promote-model',
      'mlx:move-model-alias',
      'mlx:rollback-model-alias',
      'mlx:remove-model-alias',
      'mlx:open-model',
      'mlx:copy-model-uri'
    ]);
    for (const id of ids) {
      expect(commands.label(id)).not.toBe('');
      expect(await commands.describedBy(id)).toHaveProperty('args');
    }
    expect(
      commands.label(CommandIDs.rollbackModelAlias, {
        name: 'wine',
        alias: 'champion'
      })
    ).toBe('Roll Back @champion…');
  });

  it("promotes the run named, or the run row's of the context menu", async () => {
    await commands.execute(CommandIDs.promoteModel, {
      run_id: 'run-1',
      artifact_path: 'model'
    });
    expect(options.promote).toHaveBeenLastCalledWith({
      kind: 'run',
      runId: 'run-1',
      artifactPath: 'model'
    });

    expect(commands.isEnabled(CommandIDs.promoteModel, {})).toBe(false);
    options.runAtContextMenu.mockReturnValue('run-2');
    expect(commands.isEnabled(CommandIDs.promoteModel, {})).toBe(true);
    await commands.execute(CommandIDs.promoteModel, {});
    expect(options.promote).toHaveBeenLastCalledWith({
      kind: 'run',
      runId: 'run-2',
      artifactPath: undefined
    });
  });

  it('opens the gated version dialog for a model', async () => {
    await commands.execute(CommandIDs.moveModelAlias, {
      name: 'wine',
      version: '3'
    });

    expect(options.promote).toHaveBeenCalledWith({
      kind: 'version',
      name: 'wine',
      version: '3',
      alias: undefined
    });
  });

  it('rolls back once confirmed, and refreshes', async () => {
    client.rollbackModelAlias.mockResolvedValueOnce({
      move_id: 4,
      model: 'wine',
      alias: 'champion',
      action: 'rollback',
      outcome: 'moved',
      from_version: '3',
      to_version: '2',
      user: 'ada',
      at: '2024-05-01T10:00:00Z',
      gates: [],
      note: '',
      error: null
    });
    answerDialog(false);
    await commands.execute(CommandIDs.rollbackModelAlias, {
      name: 'wine',
      alias: 'champion'
    });
    expect(client.rollbackModelAlias).not.toHaveBeenCalled();

    answerDialog(true);
    await commands.execute(CommandIDs.rollbackModelAlias, {
      name: 'wine',
      alias: 'champion'
    });

    expect(client.rollbackModelAlias).toHaveBeenCalledWith(
      'wine',
      'champion',
      {}
    );
    expect(success).toHaveBeenCalledWith(
      'Rolled back: wine version 2 is @champion again (was 3)',
      expect.anything()
    );
    expect(options.refresh).toHaveBeenCalledTimes(1);
  });

  it("removes an alias once confirmed, showing the server's refusal", async () => {
    answerDialog(true);
    client.deleteModelAlias.mockRejectedValueOnce(
      makeAPIError(404, "Alias 'staging' of 'wine' not found")
    );

    await commands.execute(CommandIDs.removeModelAlias, {
      name: 'wine',
      alias: 'staging'
    });

    expect(client.deleteModelAlias).toHaveBeenCalledWith('wine', 'staging');
    expect(error).toHaveBeenCalledWith(
      "Cannot remove @staging of wine: Alias 'staging' of 'wine' not found",
      { autoClose: false }
    );
  });

  it('opens a model and copies a model URI', async () => {
    const copy = jest.spyOn(Clipboard, 'copyToSystem').mockImplementation();

    await commands.execute(CommandIDs.openModel, { name: 'wine' });
    await commands.execute(CommandIDs.copyModelUri, {
      uri: 'models:/wine@champion'
    });

    expect(options.openModel).toHaveBeenCalledWith('wine');
    expect(copy).toHaveBeenCalledWith('models:/wine@champion');
  });
});
