import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import {
  CommandIDs,
  type IServingCommandsOptions,
  registerServingCommands
} from '../../serving/commands';
import { answerDialog, showDialog } from '../dialogs';
import { makeAPIError, makeClient } from '../fixtures';
import { makeEndpoint } from './endpoint-fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return { ...actual, showDialog: jest.fn() };
});

const trans = nullTranslator.load('jupyter_mlx');

describe('registerServingCommands', () => {
  let commands: CommandRegistry;
  let client: ReturnType<typeof makeClient>;
  let options: jest.Mocked<IServingCommandsOptions>;
  let error: jest.SpyInstance;

  beforeEach(() => {
    commands = new CommandRegistry();
    client = makeClient();
    options = {
      client,
      serve: jest.fn().mockResolvedValue(null),
      openEndpoint: jest.fn().mockResolvedValue(undefined),
      changed: jest.fn(),
      trans
    };
    registerServingCommands(
      { commands } as unknown as JupyterFrontEnd,
      options
    );
    jest.spyOn(Notification, 'success').mockReturnValue('n');
    error = jest.spyOn(Notification, 'error').mockReturnValue('n');
  });

  afterEach(() => {
    jest.restoreAllMocks();
    showDialog.mockReset();
  });

  it('registers each command under the mlx: prefix, described', async () => {
    const ids = Object.values(CommandIDs);
    expect(ids).toEqual([
      'mlx:serve-model',
      'mlx:open-endpoint',
      'mlx:restart-endpoint',
      'mlx:stop-endpoint',
      'mlx:delete-endpoint'
    ]);
    for (const id of ids) {
      expect(commands.label(id)).not.toBe('');
      expect(await commands.describedBy(id)).toHaveProperty('args');
    }
    expect(
      commands.label(CommandIDs.serveModel, {
        model_uri: 'models:/churn@champion'
      })
    ).toBe('Serve models:/churn@champion…');
  });

  it('serves a model through the dialog, then opens the endpoint', async () => {
    options.serve.mockResolvedValue(makeEndpoint({ state: 'starting' }));

    const name = await commands.execute(CommandIDs.serveModel, {
      model_uri: 'models:/churn@champion',
      name: 'churn-prod'
    });

    expect(options.serve).toHaveBeenCalledWith(
      'models:/churn@champion',
      'churn-prod'
    );
    expect(name).toBe('churn');
    expect(options.changed).toHaveBeenCalledWith(
      'churn',
      expect.objectContaining({ state: 'starting' })
    );
    expect(options.openEndpoint).toHaveBeenCalledWith('churn');
  });

  it('opens nothing when the dialog is cancelled', async () => {
    await commands.execute(CommandIDs.serveModel, {
      model_uri: 'models:/churn/3'
    });

    expect(options.openEndpoint).not.toHaveBeenCalled();
  });

  it('stops and restarts an endpoint, showing what the server answers', async () => {
    client.stopEndpoint.mockResolvedValue(makeEndpoint({ state: 'stopped' }));
    client.restartEndpoint.mockRejectedValue(
      makeAPIError(404, 'No endpoint churn')
    );

    await commands.execute(CommandIDs.stopEndpoint, { name: 'churn' });
    await commands.execute(CommandIDs.restartEndpoint, { name: 'churn' });

    expect(options.changed).toHaveBeenCalledWith(
      'churn',
      expect.objectContaining({ state: 'stopped' })
    );
    expect(error).toHaveBeenCalledWith(
      'Cannot restart churn: No endpoint churn',
      expect.anything()
    );
  });

  it('deletes an endpoint only once confirmed', async () => {
    client.deleteEndpoint.mockResolvedValue(undefined);

    answerDialog(false);
    await commands.execute(CommandIDs.deleteEndpoint, { name: 'churn' });
    expect(client.deleteEndpoint).not.toHaveBeenCalled();

    answerDialog(true);
    await commands.execute(CommandIDs.deleteEndpoint, { name: 'churn' });
    expect(client.deleteEndpoint).toHaveBeenCalledWith('churn');
    expect(options.changed).toHaveBeenCalledWith('churn', null);
  });
});
