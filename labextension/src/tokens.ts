import { Token } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';

import type { IDescribeConfig } from './api/types';

/**
 * The jupyter-mlx REST API client shared by all plugins.
 */
export interface IMLXClient {
  /**
   * Fetch the server extension's version, enabled features and paths.
   *
   * @returns The server's answer to `GET /mlx/api/config`.
   * @throws {MLXResponseError} when the server answers with an error status
   * (404 when the server extension is not enabled).
   */
  getConfig(): Promise<IDescribeConfig>;
}

/**
 * The token of the jupyter-mlx REST API client.
 */
export const IMLXClient = new Token<IMLXClient>(
  'jupyter-mlx:IMLXClient',
  'The typed client of the jupyter-mlx REST API, built once with the server settings.'
);

/**
 * The MLX sidebar: one left-area panel whose accordion sections are added by
 * the jupyter-mlx features (server status, environments, experiments, jobs,
 * models).
 */
export interface IMLXSidebar {
  /**
   * Add a collapsible section to the sidebar.
   *
   * The widget's `title.label` is the section heading. A widget with a
   * `toolbar` property shows that toolbar in its heading.
   *
   * @param widget - The section content.
   * @param options.rank - Position among the sections: lower ranks come
   * first; sections of equal rank keep the order they were added in.
   */
  addSection(widget: Widget, options: IMLXSidebar.ISectionOptions): void;

  /**
   * The ordered section widgets currently in the sidebar.
   */
  readonly sections: ReadonlyArray<Widget>;
}

/**
 * Types of the `IMLXSidebar` interface.
 */
export namespace IMLXSidebar {
  /**
   * Options of `IMLXSidebar.addSection`.
   */
  export interface ISectionOptions {
    /**
     * Position among the sections: lower ranks come first.
     */
    rank: number;
  }
}

/**
 * The token of the MLX sidebar.
 */
export const IMLXSidebar = new Token<IMLXSidebar>(
  'jupyter-mlx:IMLXSidebar',
  'The MLX sidebar, to which jupyter-mlx features add their sections.'
);
