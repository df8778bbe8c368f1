import type { ILabShell } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { followActiveNotebook } from '../../experiments/follow';
import { ExperimentsState } from '../../experiments/state/experiments';
import { makeClient, makeRun } from '../fixtures';

/**
 * A document widget with the context a notebook panel has.
 */
class FakeDocument extends Widget {
  constructor(path: string) {
    super();
    this.context = { path, pathChanged: new Signal<unknown, string>(this) };
  }

  readonly context: { path: string; pathChanged: Signal<unknown, string> };

  rename(path: string): void {
    this.context.path = path;
    this.context.pathChanged.emit(path);
  }
}

/**
 * The notebook tracker as far as following needs it.
 */
class FakeNotebookTracker {
  readonly currentChanged = new Signal<this, Widget | null>(this);
  currentWidget: Widget | null = null;

  activate(widget: Widget | null): void {
    this.currentWidget = widget;
    this.currentChanged.emit(widget);
  }
}

/**
 * The shell as far as following needs it.
 */
class FakeShell {
  readonly currentChanged = new Signal<
    this,
    { oldValue: Widget | null; newValue: Widget | null }
  >(this);
  currentWidget: Widget | null = null;

  activate(widget: Widget | null): void {
    const oldValue = this.currentWidget;
    this.currentWidget = widget;
    this.currentChanged.emit({ oldValue, newValue: widget });
  }
}

function asTracker(tracker: FakeNotebookTracker): INotebookTracker {
  return tracker as unknown as INotebookTracker;
}

function asShell(shell: FakeShell): ILabShell {
  return shell as unknown as ILabShell;
}

describe('followActiveNotebook', () => {
  it('reports the current notebook, the next one, renames and the last close', () => {
    // Given a tracker whose current notebook is train.ipynb
    const tracker = new FakeNotebookTracker();
    const train = new FakeDocument('work/train.ipynb');
    const evaluate = new FakeDocument('work/evaluate.ipynb');
    tracker.currentWidget = train;
    const paths: (string | null)[] = [];

    // When following it
    followActiveNotebook(
      { notebooks: asTracker(tracker), labShell: null },
      path => paths.push(path)
    );

    // Then its path is reported at once
    expect(paths).toEqual(['work/train.ipynb']);

    // And another notebook becoming current is reported
    tracker.activate(evaluate);
    expect(paths).toEqual(['work/train.ipynb', 'work/evaluate.ipynb']);

    // And a rename of the current notebook, not of the one left
    evaluate.rename('work/eval.ipynb');
    train.rename('work/old.ipynb');
    expect(paths).toEqual([
      'work/train.ipynb',
      'work/evaluate.ipynb',
      'work/eval.ipynb'
    ]);

    // And the same notebook again reports nothing new
    tracker.activate(evaluate);
    expect(paths).toHaveLength(3);

    // And closing the last notebook reports no notebook
    tracker.activate(null);
    expect(paths[paths.length - 1]).toBeNull();
  });

  it('follows the shell without a tracker, ignoring other documents', () => {
    const shell = new FakeShell();
    const paths: (string | null)[] = [];
    followActiveNotebook({ notebooks: null, labShell: asShell(shell) }, path =>
      paths.push(path)
    );
    expect(paths).toEqual([]);

    shell.activate(new FakeDocument('work/train.ipynb'));
    shell.activate(new FakeDocument('work/data.csv'));
    shell.activate(new Widget());

    expect(paths).toEqual(['work/train.ipynb']);
  });

  it('reports no notebook when there is nothing to follow', () => {
    const onPath = jest.fn();

    followActiveNotebook({ notebooks: null, labShell: null }, onPath);

    expect(onPath).toHaveBeenCalledTimes(1);
    expect(onPath).toHaveBeenCalledWith(null);
  });

  it('makes the experiments state list the runs of the active notebook', async () => {
    // Given the experiments state following the tracker
    const client = makeClient();
    client.listRuns.mockImplementation(async query => ({
      runs: [makeRun({ run_id: `run-of-${query?.notebook}` })],
      next_page_token: null
    }));
    const state = new ExperimentsState({ client });
    const tracker = new FakeNotebookTracker();
    tracker.currentWidget = new FakeDocument('work/train.ipynb');
    followActiveNotebook(
      { notebooks: asTracker(tracker), labShell: null },
      path => (state.notebook = path)
    );
    await state.start();
    expect(state.runs.map(run => run.run_id)).toEqual([
      'run-of-work/train.ipynb'
    ]);

    // When another notebook becomes current
    tracker.activate(new FakeDocument('work/evaluate.ipynb'));
    await state.refresh();

    // Then the state lists that notebook's runs
    expect(state.notebook).toBe('work/evaluate.ipynb');
    expect(client.listRuns).toHaveBeenLastCalledWith(
      expect.objectContaining({ notebook: 'work/evaluate.ipynb' })
    );
    expect(state.runs.map(run => run.run_id)).toEqual([
      'run-of-work/evaluate.ipynb'
    ]);
    state.dispose();
  });
});
