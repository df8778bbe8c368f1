import type { TranslationBundle } from '@jupyterlab/translation';

import { BlobViewer } from '../../shared/widgets/blob-viewer';
import type { IMLXClient } from '../../tokens';

/**
 * How an artifact is shown.
 */
export type ArtifactKind = 'text' | 'image' | 'html' | 'notebook' | 'other';

const TEXT_EXTENSIONS = new Set([
  'txt',
  'log',
  'json',
  'yaml',
  'yml',
  'csv',
  'tsv',
  'md',
  'py',
  'toml',
  'cfg',
  'ini',
  'xml',
  'lock'
]);

const TEXT_NAMES = new Set(['MLmodel', 'requirements.txt', 'conda.yaml']);

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp']);

/**
 * How to show an artifact, from its path.
 */
export function artifactKind(path: string): ArtifactKind {
  const name = path.split('/').pop() ?? path;
  const extension = name.includes('.')
    ? name.slice(name.lastIndexOf('.') + 1).toLowerCase()
    : '';
  if (extension === 'ipynb') {
    return 'notebook';
  }
  if (extension === 'html' || extension === 'htm') {
    return 'html';
  }
  if (IMAGE_EXTENSIONS.has(extension)) {
    return 'image';
  }
  if (TEXT_EXTENSIONS.has(extension) || TEXT_NAMES.has(name)) {
    return 'text';
  }
  return 'other';
}

/**
 * Largest text shown in full, in bytes; longer text is cut.
 */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/**
 * One artifact of a run, in the main area: text in a `<pre>`, images as an
 * `<img>`, HTML and notebooks (rendered by the server) in a sandboxed frame.
 * Content is fetched through the authenticated API and shown from a blob URL,
 * revoked when the viewer closes.
 */
export class ArtifactViewer extends BlobViewer {
  /**
   * @param options - The client, the artifact and the translation bundle.
   */
  constructor(options: ArtifactViewer.IOptions) {
    super('jp-mlx-ArtifactViewer');
    this.runId = options.runId;
    this.path = options.path;
    this.kind = options.kind ?? artifactKind(options.path);
    this._client = options.client;
    this._trans = options.trans;
    this.setMessage(this._trans.__('Loading %1…', this.path));
  }

  /**
   * The run and the artifact path shown.
   */
  readonly runId: string;
  readonly path: string;

  /**
   * How the artifact is shown.
   */
  readonly kind: ArtifactKind;

  /**
   * Fetch and show the artifact. Never rejects: a failure is shown in the
   * viewer.
   */
  async load(): Promise<void> {
    let blob: Blob;
    try {
      blob = await this._client.getArtifact(
        this.runId,
        this.path,
        this.kind === 'notebook' ? 'html' : null
      );
    } catch (reason) {
      if (!this.isDisposed) {
        this.node.setAttribute('aria-busy', 'false');
        this.setMessage(
          this._trans.__(
            'Cannot show %1: %2',
            this.path,
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
    this.node.setAttribute('aria-busy', 'false');
    this.node.textContent = '';
    switch (this.kind) {
      case 'text':
        await this._showText(blob);
        break;
      case 'image':
        this._showImage(blob);
        break;
      case 'html':
      case 'notebook':
        this._showFrame(blob);
        break;
      default:
        this._showDownload(blob);
    }
  }

  private async _showText(blob: Blob): Promise<void> {
    const cut = blob.size > MAX_TEXT_BYTES;
    const text = await (cut ? blob.slice(0, MAX_TEXT_BYTES) : blob).text();
    if (this.isDisposed) {
      return;
    }
    const pre = document.createElement('pre');
    pre.className = 'jp-mlx-ArtifactViewer-text';
    pre.textContent = this.path.endsWith('.json') ? prettyJSON(text) : text;
    this.node.appendChild(pre);
    if (cut) {
      this.setMessage(
        this._trans.__(
          'Only the first %1 MB are shown.',
          MAX_TEXT_BYTES / 1024 / 1024
        ),
        false,
        true
      );
    }
  }

  private _showImage(blob: Blob): void {
    const img = document.createElement('img');
    img.className = 'jp-mlx-ArtifactViewer-image';
    img.alt = this.path;
    img.src = this.objectURL(blob);
    this.node.appendChild(img);
  }

  private _showFrame(blob: Blob): void {
    const frame = this.createFrame(this.path);
    frame.src = this.objectURL(blob);
    this.node.appendChild(frame);
  }

  private _showDownload(blob: Blob): void {
    this.setMessage(
      this._trans.__('%1 cannot be shown here.', this.path),
      false,
      true
    );
    const link = document.createElement('a');
    link.className = 'jp-mlx-ArtifactViewer-download';
    link.href = this.objectURL(blob);
    link.download = this.path.split('/').pop() ?? 'artifact';
    link.textContent = this._trans.__('Download');
    this.node.appendChild(link);
  }

  private _client: IMLXClient;
  private _trans: TranslationBundle;
}

/**
 * Types of `ArtifactViewer`.
 */
export namespace ArtifactViewer {
  /**
   * Options of an artifact viewer.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The run.
     */
    runId: string;
    /**
     * The artifact's path.
     */
    path: string;
    /**
     * How to show it; default: from its path.
     */
    kind?: ArtifactKind;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}

function prettyJSON(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
