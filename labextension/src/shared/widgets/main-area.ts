import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, type WidgetTracker } from '@jupyterlab/apputils';
import type { Widget } from '@lumino/widgets';

import { mlxIcon } from '../icons';

/**
 * Open a view in the main area, closable and with the MLX icon, track it and
 * activate it.
 *
 * @param shell - The application shell.
 * @param tracker - The tracker of this kind of view (for the layout restorer).
 * @param content - The view.
 * @param id - The widget id, unique to what it shows.
 */
export async function addToMainArea<T extends Widget>(
  shell: JupyterFrontEnd.IShell,
  tracker: WidgetTracker<MainAreaWidget<T>>,
  content: T,
  id: string
): Promise<void> {
  const widget = new MainAreaWidget<T>({ content });
  widget.id = id;
  widget.title.icon = mlxIcon;
  widget.title.closable = true;
  shell.add(widget, 'main');
  await tracker.add(widget);
  shell.activateById(widget.id);
}

/**
 * Activate the tracked view that matches, if there is one.
 *
 * @returns Whether a view was revealed.
 */
export function revealTracked<T extends Widget>(
  shell: JupyterFrontEnd.IShell,
  tracker: WidgetTracker<MainAreaWidget<T>>,
  matches: (widget: MainAreaWidget<T>) => boolean
): boolean {
  const open = tracker.find(matches);
  if (open) {
    shell.activateById(open.id);
  }
  return open !== undefined;
}
