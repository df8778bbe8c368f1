import { Widget } from '@lumino/widgets';

/**
 * Base of the main-area viewers that show content fetched through the
 * authenticated API from a blob URL: one URL a viewer, revoked when it
 * closes; messages (loading, failures) in place of the content; rendered HTML
 * in a sandboxed frame.
 */
export abstract class BlobViewer extends Widget {
  /**
   * @param className - The viewer's own class; its messages get
   * `<className>-message`, its frame `<className>-frame`.
   */
  constructor(className: string) {
    super();
    this._className = className;
    this.addClass('jp-mlx-MainView');
    this.addClass('jp-mlx-Viewer');
    this.addClass(className);
    this.node.setAttribute('aria-busy', 'true');
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    if (this._url !== null) {
      URL.revokeObjectURL(this._url);
      this._url = null;
    }
    super.dispose();
  }

  /**
   * The blob URL shown, or `null` before the content has come.
   */
  protected get url(): string | null {
    return this._url;
  }

  /**
   * The viewer's blob URL for its content, created on first use.
   */
  protected objectURL(blob: Blob): string {
    if (this._url === null) {
      this._url = URL.createObjectURL(blob);
    }
    return this._url;
  }

  /**
   * A frame for rendered HTML. Scripts of the render may run, in an opaque
   * origin: never with the page's cookies or its API.
   */
  protected createFrame(title: string): HTMLIFrameElement {
    const frame = document.createElement('iframe');
    frame.className = `jp-mlx-Viewer-frame ${this._className}-frame`;
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.title = title;
    return frame;
  }

  /**
   * Show a message, in place of the content unless `append`.
   */
  protected setMessage(text: string, error = false, append = false): void {
    const message = document.createElement('p');
    message.className = `jp-mlx-Viewer-message ${this._className}-message`;
    if (error) {
      message.classList.add('jp-mod-error');
      message.setAttribute('role', 'alert');
    }
    message.textContent = text;
    if (!append) {
      this.node.textContent = '';
    }
    this.node.appendChild(message);
  }

  private _className: string;
  private _url: string | null = null;
}
