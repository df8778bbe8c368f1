import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { act, screen, within } from '@testing-library/react';

import {
  CommandIDs,
  MAX_COMPARED_RUNS,
  registerExperimentsCommands
} from '../../experiments/commands';
import { createTrackers } from '../../experiments/trackers';
import { ExperimentsViews } from '../../experiments/views';
import { ChartTheme } from '../../shared/charts/theme';
import {
  makeAPIError,
  makeClient,
  makeDescribeRun,
  makeRun
} from '../fixtures';

// Canvas drawing is not available in jsdom.
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

/**
 * An application with a real command registry and a shell whose main area
 * is the document body.
 */
function makeApp(): {
  app: JupyterFrontEnd;
  commands: CommandRegistry;
  main: Widget[];
  activateById: jest.Mock;
} {
  const commands = new CommandRegistry();
  const main: Widget[] = [];
  const activateById = jest.fn();
  const shell = {
    add: (widget: Widget) => {
      main.push(widget);
      Widget.attach(widget, document.body);
    },
    activateById
  };
  // As JupyterLab's: the first node from the context menu's target up that
  // passes the test.
  const contextMenuHitTest = (test: (node: HTMLElement) => boolean) => {
    for (let node = contextMenuTarget; node; node = node.parentElement) {
      if (test(node)) {
        return node;
      }
    }
    return undefined;
  };
  const app = {
    commands,
    shell,
    contextMenuHitTest
  } as unknown as JupyterFrontEnd;
  return { app, commands, main, activateById };
}

/**
 * Where the last context menu was opened, or `null`.
 */
let contextMenuTarget: HTMLElement | null = null;

describe('experiments commands', () => {
  let commands: CommandRegistry;
  const openRun = jest.fn(async (runId: string) => undefined);
  const compareRuns = jest.fn(async (runIds: string[]) => undefined);
  const openArtifact = jest.fn(
    async (runId: string, path: string, asNotebook: boolean) => undefined
  );

  beforeEach(() => {
    openRun.mockClear();
    compareRuns.mockClear();
    openArtifact.mockClear();
    const made = makeApp();
    commands = made.commands;
    registerExperimentsCommands(made.app, {
      trans,
      openRun,
      compareRuns,
      openArtifact
    });
  });

  it('are labelled for the palette and menus', () => {
    expect(commands.label(CommandIDs.openRun)).toBe('Open Run');
    expect(commands.label(CommandIDs.compareRuns)).toBe('Compare Runs');
    expect(commands.label(CommandIDs.openArtifact)).toBe('Open Run Artifact');
    expect(commands.caption(CommandIDs.openRun)).toBe(
      'Show an MLflow run: params, metrics, tags and artifacts'
    );
    expect(commands.icon(CommandIDs.openRun)).toBeTruthy();
  });

  it('describe their arguments', async () => {
    const described = await commands.describedBy(CommandIDs.compareRuns);

    expect(described.args).toMatchObject({
      required: ['run_ids'],
      properties: { run_ids: { maxItems: MAX_COMPARED_RUNS } }
    });
  });

  it('open a run only with a run id', async () => {
    expect(commands.isEnabled(CommandIDs.openRun, {})).toBe(false);
    expect(commands.isEnabled(CommandIDs.openRun, { run_id: '' })).toBe(false);
    expect(commands.isEnabled(CommandIDs.openRun, { run_id: 'abc' })).toBe(
      true
    );

    await commands.execute(CommandIDs.openRun, { run_id: 'abc' });

    expect(openRun).toHaveBeenCalledWith('abc');
    await expect(commands.execute(CommandIDs.openRun, {})).rejects.toThrow(
      'mlx:open-run needs a run_id.'
    );
    expect(openRun).toHaveBeenCalledTimes(1);
  });

  it('open the run of the row a context menu was opened on', async () => {
    const row = document.createElement('li');
    row.className = 'jp-mlx-RunsList-run';
    row.dataset.runId = 'run-7';
    row.appendChild(document.createElement('button'));
    contextMenuTarget = row.firstElementChild as HTMLElement;

    expect(commands.isEnabled(CommandIDs.openRun, {})).toBe(true);
    await commands.execute(CommandIDs.openRun, {});

    expect(openRun).toHaveBeenCalledWith('run-7');
    contextMenuTarget = null;
  });

  it(`compare 1 to ${MAX_COMPARED_RUNS} runs`, async () => {
    const tooMany = Array.from(
      { length: MAX_COMPARED_RUNS + 1 },
      (_, i) => `r${i}`
    );
    expect(commands.isEnabled(CommandIDs.compareRuns, { run_ids: [] })).toBe(
      false
    );
    expect(
      commands.isEnabled(CommandIDs.compareRuns, { run_ids: tooMany })
    ).toBe(false);
    expect(
      commands.isEnabled(CommandIDs.compareRuns, { run_ids: ['a', 7] })
    ).toBe(false);
    expect(
      commands.isEnabled(CommandIDs.compareRuns, { run_ids: ['a', 'b'] })
    ).toBe(true);

    await commands.execute(CommandIDs.compareRuns, { run_ids: ['a', 'b'] });

    expect(compareRuns).toHaveBeenCalledWith(['a', 'b']);
    await expect(
      commands.execute(CommandIDs.compareRuns, { run_ids: tooMany })
    ).rejects.toThrow('mlx:compare-runs needs 1 to 50 run_ids.');
  });

  it('open an artifact, rendering a notebook on request', async () => {
    expect(commands.isEnabled(CommandIDs.openArtifact, { run_id: 'r' })).toBe(
      false
    );
    expect(
      commands.isEnabled(CommandIDs.openArtifact, { run_id: 'r', path: 'a' })
    ).toBe(true);

    await commands.execute(CommandIDs.openArtifact, {
      run_id: 'r',
      path: 'metrics.json'
    });
    await commands.execute(CommandIDs.openArtifact, {
      run_id: 'r',
      path: 'notebook/train.ipynb',
      format: 'html'
    });

    expect(openArtifact.mock.calls).toEqual([
      ['r', 'metrics.json', false],
      ['r', 'notebook/train.ipynb', true]
    ]);
    await expect(
      commands.execute(CommandIDs.openArtifact, { run_id: 'r', path: '' })
    ).rejects.toThrow('mlx:open-artifact needs a run_id and a path.');
  });

  it('fail with the reason the view could not open', async () => {
    openRun.mockRejectedValueOnce(makeAPIError(503, 'Tracking store down'));

    await expect(
      commands.execute(CommandIDs.openRun, { run_id: 'abc' })
    ).rejects.toThrow('Tracking store down');
  });
});

describe('experiments commands opening views', () => {
  let made: ReturnType<typeof makeApp>;
  let client: ReturnType<typeof makeClient>;
  let views: ExperimentsViews;
  let theme: ChartTheme;

  beforeEach(() => {
    made = makeApp();
    client = makeClient();
    client.getRun.mockResolvedValue(makeDescribeRun());
    client.compareRuns.mockImplementation(async request => ({
      runs: request.run_ids.map(id => makeRun({ run_id: id, run_name: id })),
      metrics: [],
      params: []
    }));
    client.listRunMetrics.mockImplementation(async runId => ({
      run_id: runId,
      metrics: [],
      max_steps: 1000,
      omitted_metrics: 0
    }));
    client.listArtifacts.mockResolvedValue({
      run_id: 'run-1',
      path: '',
      files: []
    });
    theme = new ChartTheme(null);
    views = new ExperimentsViews({
      app: made.app,
      client,
      theme,
      trans,
      trackers: createTrackers()
    });
    registerExperimentsCommands(made.app, {
      trans,
      openRun: runId => views.openRun(runId),
      compareRuns: runIds => views.compareRuns(runIds),
      openArtifact: (runId, path, asNotebook) =>
        views.openArtifact(runId, path, asNotebook)
    });
  });

  afterEach(() => {
    act(() => {
      made.main.forEach(widget => widget.dispose());
      views.dispose();
    });
    theme.dispose();
  });

  async function execute(id: string, args: Record<string, unknown>) {
    await act(async () => {
      await made.commands.execute(id, args as never);
    });
  }

  it('open the view of a run in the main area, and reveal it when open', async () => {
    // When a run is opened
    await execute(CommandIDs.openRun, { run_id: 'run-1' });

    // Then its view is in the main area, titled with the run's name
    expect(made.main).toHaveLength(1);
    const widget = made.main[0] as MainAreaWidget;
    expect(widget.id).toBe('jp-mlx-run-run-1');
    expect(widget.content.hasClass('jp-mlx-RunView')).toBe(true);
    expect(
      await within(widget.node).findByRole('heading', { name: 'brave-owl-1' })
    ).toBeInTheDocument();
    expect(widget.title.label).toBe('Run brave-owl-1');
    expect(made.activateById).toHaveBeenLastCalledWith('jp-mlx-run-run-1');

    // When it is opened again, it is revealed, not opened twice
    made.activateById.mockClear();
    await execute(CommandIDs.openRun, { run_id: 'run-1' });
    expect(made.main).toHaveLength(1);
    expect(made.activateById).toHaveBeenCalledWith('jp-mlx-run-run-1');
  });

  it("show the server's message when the run cannot be shown", async () => {
    client.getRun.mockRejectedValue(makeAPIError(404, "Run 'gone' not found"));

    await execute(CommandIDs.openRun, { run_id: 'gone' });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Run 'gone' not found"
    );
  });

  it('open one comparison per set of runs', async () => {
    await execute(CommandIDs.compareRuns, { run_ids: ['a', 'b'] });
    await execute(CommandIDs.compareRuns, { run_ids: ['b', 'a'] });

    expect(made.main).toHaveLength(1);
    const widget = made.main[0] as MainAreaWidget;
    expect(widget.content.hasClass('jp-mlx-RunComparisonView')).toBe(true);
    expect(widget.title.label).toBe('Compare 2 runs');
    expect(client.compareRuns).toHaveBeenCalledWith({ run_ids: ['a', 'b'] });

    await execute(CommandIDs.compareRuns, { run_ids: ['a', 'c'] });
    expect(made.main).toHaveLength(2);
  });

  it('open an artifact in a viewer named after the file and its run', async () => {
    client.getArtifact.mockRejectedValue(
      makeAPIError(404, "No artifact 'notebook/train.ipynb'")
    );

    await execute(CommandIDs.openArtifact, {
      run_id: 'run-1',
      path: 'notebook/train.ipynb',
      format: 'html'
    });

    const widget = made.main[0] as MainAreaWidget;
    expect(widget.content.hasClass('jp-mlx-ArtifactViewer')).toBe(true);
    expect(widget.title.label).toBe('train.ipynb · run-1');
    expect(client.getArtifact).toHaveBeenCalledWith(
      'run-1',
      'notebook/train.ipynb',
      'html'
    );
    expect(within(widget.node).getByRole('alert')).toHaveTextContent(
      "Cannot show notebook/train.ipynb: No artifact 'notebook/train.ipynb'"
    );
  });
});
