import type { JupyterFrontEnd } from '@jupyterlab/application';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { CommandIDs, registerSidebarCommands } from '../../core/commands';

describe('sidebar commands', () => {
  it('reveal the MLX sidebar', async () => {
    const commands = new CommandRegistry();
    const activateById = jest.fn();
    const app = {
      commands,
      shell: { activateById }
    } as unknown as JupyterFrontEnd;
    registerSidebarCommands(app, {
      sidebarId: 'jp-mlx-sidebar',
      trans: nullTranslator.load('jupyter_mlx')
    });

    expect(commands.label(CommandIDs.openSidebar)).toBe('Open MLX Sidebar');
    await commands.execute(CommandIDs.openSidebar);

    expect(activateById).toHaveBeenCalledWith('jp-mlx-sidebar');
  });
});
