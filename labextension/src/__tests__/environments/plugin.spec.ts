import type { JupyterFrontEnd } from '@jupyterlab/application';
import { CommandRegistry } from '@lumino/commands';
import type { Widget } from '@lumino/widgets';
import { waitFor } from '@testing-library/react';

import { CommandIDs } from '../../environments/commands';
import { environmentsPlugin } from '../../environments/plugin';
import type { IMLXSidebar } from '../../tokens';
import { makeConfig } from '../fixtures';
import { makeEnvironmentsClient } from './fixtures';

/**
 * Activate the environments plugin in an application made of fakes.
 */
function activate(features: string[]) {
  const commands = new CommandRegistry();
  const app = {
    commands,
    restored: Promise.resolve(),
    shell: { add: jest.fn(), activateById: jest.fn() },
    serviceManager: {
      kernelspecs: { refreshSpecs: jest.fn(async () => undefined) }
    }
  } as unknown as JupyterFrontEnd;
  const client = makeEnvironmentsClient();
  client.getConfig.mockResolvedValue(makeConfig({ features }));
  client.listEnvironments.mockResolvedValue({
    environments: [],
    problems: []
  });
  const sections: Widget[] = [];
  const sidebar: IMLXSidebar = {
    addSection: widget => sections.push(widget),
    sections
  };
  const palette = { addItem: jest.fn() };
  environmentsPlugin.activate(app, client, sidebar, palette, null, null);
  return { commands, client, sections, palette };
}

describe('environmentsPlugin', () => {
  it('adds the Environments section when the server serves environments', async () => {
    const { sections, palette, commands } = activate([
      'status',
      'environments'
    ]);

    await waitFor(() => expect(sections).toHaveLength(1));
    expect(sections[0].title.label).toBe('Environments');
    const paletteCommands = palette.addItem.mock.calls.map(
      ([item]) => item.command
    );
    expect(paletteCommands).toEqual(
      expect.arrayContaining([
        CommandIDs.createEnvironment,
        CommandIDs.lockEnvironment,
        CommandIDs.installEnvironment,
        CommandIDs.removeEnvironment,
        CommandIDs.refreshEnvironments
      ])
    );
    expect(commands.hasCommand(CommandIDs.installEnvironment)).toBe(true);
    sections[0].dispose();
  });

  it('adds no section for a server without environments', async () => {
    const { sections, client } = activate(['status']);

    await waitFor(() => expect(client.getConfig).toHaveBeenCalled());
    await Promise.resolve();
    expect(sections).toHaveLength(0);
  });
});
