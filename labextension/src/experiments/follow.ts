import type { ILabShell } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';

/**
 * The document context of a notebook widget, as far as following it needs.
 */
interface INotebookLike extends Widget {
  context: {
    path: string;
    pathChanged: {
      connect(slot: (sender: unknown, path: string) => void): boolean;
      disconnect(slot: (sender: unknown, path: string) => void): boolean;
    };
  };
}

/**
 * Where to learn which notebook is active.
 */
export interface INotebookSources {
  /**
   * The notebook tracker: its current widget is the last active notebook.
   */
  notebooks: INotebookTracker | null;
  /**
   * The shell, used when there is no notebook tracker.
   */
  labShell: ILabShell | null;
}

/**
 * Call `onPath` with the server path of the active notebook now and whenever
 * it changes (another notebook becomes current, the notebook is renamed, the
 * last notebook closes: `null`).
 */
export function followActiveNotebook(
  sources: INotebookSources,
  onPath: (path: string | null) => void
): void {
  let current: INotebookLike | null = null;
  const renamed = (_: unknown, path: string): void => onPath(path);
  const follow = (widget: Widget | null): void => {
    const notebook = asNotebook(widget);
    if (notebook === null && sources.notebooks === null && widget !== null) {
      // Without a tracker, other documents do not change the notebook.
      return;
    }
    if (notebook === current) {
      return;
    }
    current?.context.pathChanged.disconnect(renamed);
    current = notebook;
    current?.context.pathChanged.connect(renamed);
    onPath(current?.context.path ?? null);
  };

  if (sources.notebooks) {
    sources.notebooks.currentChanged.connect((_, widget) => follow(widget));
    follow(sources.notebooks.currentWidget);
  } else if (sources.labShell) {
    sources.labShell.currentChanged.connect((_, args) => follow(args.newValue));
    follow(sources.labShell.currentWidget);
  } else {
    onPath(null);
  }
}

function asNotebook(widget: Widget | null): INotebookLike | null {
  const context = (widget as Partial<INotebookLike> | null)?.context;
  return context &&
    typeof context.path === 'string' &&
    context.path.endsWith('.ipynb')
    ? (widget as INotebookLike)
    : null;
}
