import type { TranslationBundle } from '@jupyterlab/translation';

import { BlobViewer } from '../../shared/widgets/blob-viewer';
import type { IMLXClient } from '../../tokens';
import { baseName } from '../status';

/**
 * The element id the server's HTML render gives a cell of the output
 * notebook, by the cell's index.
 */
export function cellAnchor(cellIndex: number): string {
  return `cell-${cellIndex}`;
}

/**
 * A job run's output notebook, read-only, in the main area: the server's
 * HTML render in a sandboxed frame (as the artifact viewer shows notebook
 * artifacts), scrolled to a cell on request. The render is fetched through
 * the authenticated API and shown from a blob URL, revoked when the viewer
 * closes.
 */
export class JobOutputViewer extends BlobViewer {
  /**
   * @param options - The client, the run and the translation bundle.
   */
  constructor(options: JobOutputViewer.IOptions) {
    super('jp-mlx-JobOutputViewer');
    this.runId = options.runId;
    this._client = options.client;
    this._trans = options.trans;
    this._cellIndex = options.cellIndex ?? null;
    this.node.dataset.runId = this.runId;
    this.title.label = this._trans.__(
      'Output · %1',
      baseName(options.notebook)
    );
    this.title.caption = this._trans.__(
      'Output notebook of job run %1 of %2',
      this.runId,
      options.notebook
    );
    this.setMessage(this._trans.__('Loading the output notebook…'));
  }

  /**
   * The job run whose output is shown.
   */
  readonly runId: string;

  /**
   * The cell scrolled to, or `null` for the top.
   */
  get cellIndex(): number | null {
    return this._cellIndex;
  }

  /**
   * Fetch and show the output. Never rejects: a failure is shown in the
   * viewer.
   */
  async load(): Promise<void> {
    let blob: Blob;
    try {
      blob = await this._client.getJobRunOutput(this.runId, 'html');
    } catch (reason) {
      if (!this.isDisposed) {
        this.node.setAttribute('aria-busy', 'false');
        this.setMessage(
          this._trans.__(
            'Cannot show the output notebook: %1',
            (reason as Error).message ?? String(reason)
          ),
          true
        );
      }
      return;
    }
    if (this.isDisposed) {
      return;
    }
    this.objectURL(blob);
    this.node.setAttribute('aria-busy', 'false');
    this.node.textContent = '';
    const frame = this.createFrame(this.title.caption);
    this.node.appendChild(frame);
    this._frame = frame;
    this._navigate();
  }

  /**
   * Scroll to a cell of the output notebook (`null`: the top).
   */
  showCell(cellIndex: number | null): void {
    this._cellIndex = cellIndex;
    this._navigate();
  }

  /**
   * Point the frame at the render, at the cell asked for.
   */
  private _navigate(): void {
    const cell = this._cellIndex;
    if (cell === null) {
      delete this.node.dataset.cellIndex;
    } else {
      this.node.dataset.cellIndex = String(cell);
    }
    if (this._frame === null || this.url === null) {
      return;
    }
    const target = cell === null ? this.url : `${this.url}#${cellAnchor(cell)}`;
    if (this._frame.getAttribute('src') !== target) {
      this._frame.src = target;
      return;
    }
    // The same cell again: navigate the frame to its fragment once more, so
    // that it scrolls back to it.
    try {
      this._frame.contentWindow?.location.replace(target);
    } catch {
      this._frame.src = target;
    }
  }

  private _cellIndex: number | null;
  private _client: IMLXClient;
  private _frame: HTMLIFrameElement | null = null;
  private _trans: TranslationBundle;
}

/**
 * Types of `JobOutputViewer`.
 */
export namespace JobOutputViewer {
  /**
   * Options of an output viewer.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The job run.
     */
    runId: string;
    /**
     * The run's notebook path (for the title).
     */
    notebook: string;
    /**
     * The cell to scroll to first; default: the top.
     */
    cellIndex?: number | null;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
