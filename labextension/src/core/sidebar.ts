import type { ITranslator } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

import { mlxIcon } from '../shared/icons';
import type { IMLXSidebar } from '../tokens';

/**
 * Id of the MLX sidebar in the application shell.
 */
export const SIDEBAR_ID = 'jp-mlx-sidebar';

/**
 * The MLX sidebar: a left-area panel of collapsible sections ordered by rank.
 */
export class MLXSidebar extends SidePanel implements IMLXSidebar {
  /**
   * @param translator - The application's translator.
   */
  constructor(translator: ITranslator) {
    super({ translator });
    const trans = translator.load('jupyter_mlx');
    this.id = SIDEBAR_ID;
    this.addClass('jp-mlx-Sidebar');
    this.title.icon = mlxIcon;
    this.title.caption = trans.__('MLX');
  }

  /**
   * The ordered section widgets.
   */
  get sections(): ReadonlyArray<Widget> {
    return this.widgets;
  }

  /**
   * Add a collapsible section; lower ranks come first.
   */
  addSection(widget: Widget, options: IMLXSidebar.ISectionOptions): void {
    this._ranks.set(widget, options.rank);
    const after = this.widgets.findIndex(
      section => (this._ranks.get(section) ?? 0) > options.rank
    );
    this.insertWidget(after === -1 ? this.widgets.length : after, widget);
  }

  private _ranks = new WeakMap<Widget, number>();
}
