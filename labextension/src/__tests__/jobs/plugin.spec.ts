import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, waitFor } from '@testing-library/react';

import { CommandIDs } from '../../jobs/commands';
import { jobsPlugin } from '../../jobs/plugin';
import type { IMLXSidebar } from '../../tokens';
import { makeClient, makeConfig, makeJobDefinition } from '../fixtures';

// Canvas drawing is not available in jsdom: the views' charts draw nothing.
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

/**
 * Activate the jobs plugin in an application made of fakes.
 */
function activate(features: string[]) {
  const commands = new CommandRegistry();
  const contextMenu = { addItem: jest.fn() };
  const app = {
    commands,
    contextMenu,
    restored: Promise.resolve(),
    shell: { add: jest.fn(), activateById: jest.fn() }
  } as unknown as JupyterFrontEnd;
  const client = makeClient();
  client.getConfig.mockResolvedValue(makeConfig({ features }));
  client.listJobRuns.mockResolvedValue({
    runs: [],
    next_page_token: null,
    total: 0
  });
  client.listJobs.mockResolvedValue({ jobs: [makeJobDefinition()] });
  client.listSweeps.mockResolvedValue({ sweeps: [] });
  const sections: Widget[] = [];
  const sidebar: IMLXSidebar = {
    addSection: widget => sections.push(widget),
    sections
  };
  const save = jest.fn(async () => undefined);
  const notebook = {
    context: { path: 'work/train.ipynb', model: { dirty: true }, save }
  };
  const notebooks = {
    currentWidget: notebook,
    find: (fn: (widget: unknown) => boolean) =>
      fn(notebook) ? notebook : undefined
  } as unknown as INotebookTracker;
  const factories = new Map<string, (widget: unknown) => Widget>();
  const toolbarRegistry = {
    addFactory: (
      factory: string,
      name: string,
      create: (widget: unknown) => Widget
    ) => {
      factories.set(`${factory}:${name}`, create);
      return undefined;
    }
  } as unknown as IToolbarWidgetRegistry;
  const palette = { addItem: jest.fn() };
  jobsPlugin.activate(
    app,
    client,
    sidebar,
    notebooks,
    null,
    toolbarRegistry,
    palette,
    null,
    null,
    null
  );
  return {
    commands,
    contextMenu,
    client,
    sections,
    save,
    factories,
    palette
  };
}

describe('jobsPlugin', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('adds the Jobs section when the server has the jobs feature', async () => {
    const { sections } = activate(['status', 'jobs']);

    await waitFor(() => expect(sections).toHaveLength(1));
    expect(sections[0].title.label).toBe('Jobs');
    expect(sections[0].hasClass('jp-mlx-JobsSection')).toBe(true);
    act(() => sections[0].dispose());
  });

  it('watches the schedules for notifications once the server has jobs', async () => {
    const { sections, client } = activate(['status', 'jobs']);

    await waitFor(() => expect(sections).toHaveLength(1));

    await waitFor(() => expect(client.listJobs).toHaveBeenCalled());
    expect(client.listSweeps).not.toHaveBeenCalled();
    act(() => sections[0].dispose());
  });

  it('adds no section to a server without jobs', async () => {
    const { sections, client } = activate(['status']);

    await waitFor(() => expect(client.getConfig).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(sections).toHaveLength(0);
  });

  it('offers the command on the notebook toolbar, in the file browser and the palette', async () => {
    const { commands, contextMenu, factories, palette } = activate([]);
    const execute = jest
      .spyOn(commands, 'execute')
      .mockResolvedValue(undefined);

    // The notebook toolbar button runs its own notebook
    const create = factories.get('Notebook:mlx-run-job')!;
    const button = create({ context: { path: 'a/b.ipynb' } });
    await act(async () => {
      Widget.attach(button, document.body);
    });
    const node = await waitFor(() => {
      const found = button.node.querySelector<HTMLElement>('jp-button, button');
      expect(found).not.toBeNull();
      return found!;
    });
    await act(async () => {
      fireEvent.click(node, { button: 0 });
    });
    expect(button.node).toHaveTextContent('Run job');
    expect(execute).toHaveBeenCalledWith(CommandIDs.runNotebook, {
      path: 'a/b.ipynb'
    });
    act(() => button.dispose());

    // The file browser's context menu runs the selected notebook
    expect(contextMenu.addItem).toHaveBeenCalledWith({
      command: CommandIDs.runNotebook,
      args: { from_file_browser: true },
      selector: '.jp-DirListing-item[data-file-type="notebook"]',
      rank: 10
    });
    expect(palette.addItem).toHaveBeenCalledWith({
      command: CommandIDs.runNotebook,
      category: 'MLX'
    });

    // Schedule… sits beside it in each place
    const schedule = factories.get('Notebook:mlx-schedule-job')!({
      context: { path: 'a/b.ipynb' }
    });
    expect(schedule).toBeInstanceOf(Widget);
    expect(contextMenu.addItem).toHaveBeenCalledWith({
      command: CommandIDs.scheduleNotebook,
      args: { from_file_browser: true },
      selector: '.jp-DirListing-item[data-file-type="notebook"]',
      rank: 11
    });
    expect(palette.addItem).toHaveBeenCalledWith({
      command: CommandIDs.scheduleNotebook,
      category: 'MLX'
    });
    schedule.dispose();
  });

  it('saves a notebook with unsaved changes before asking for its parameters', async () => {
    const { commands, client, save } = activate([]);
    client.getNotebookParameters.mockReturnValue(new Promise(() => undefined));

    await act(async () => {
      void commands.execute(CommandIDs.runNotebook, {});
    });

    // The views load on first use: in jest, that transforms their modules.
    await waitFor(
      () =>
        expect(client.getNotebookParameters).toHaveBeenCalledWith(
          'work/train.ipynb'
        ),
      { timeout: 10_000 }
    );
    expect(save).toHaveBeenCalled();
  });
});
