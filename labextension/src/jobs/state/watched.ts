import { PolledState } from '../../shared/state/polled';

/**
 * Base of the job states whose list may be hidden while they watch
 * something (runs to tell the end of): they go on polling then, and catch up
 * on the list when it is shown again.
 *
 * Subclasses say whether they watch (`pollWhileHidden`) and call
 * `updatePolling()` when that changes.
 */
export abstract class WatchedPolledState extends PolledState {
  /**
   * Whether the list is shown. While it is hidden the state still polls if
   * it watches something.
   */
  get active(): boolean {
    return this._shown;
  }
  set active(shown: boolean) {
    const appeared = shown && !this._shown;
    this._shown = shown;
    const polling = super.active;
    this.updatePolling();
    if (appeared && polling && !this.isDisposed) {
      // The poll went on for what is watched only: catch up on the list now.
      void this.refresh();
    }
  }

  /**
   * Whether the list is shown.
   */
  protected get shown(): boolean {
    return this._shown;
  }

  /**
   * Whether to poll while the list is hidden.
   */
  protected abstract get pollWhileHidden(): boolean;

  /**
   * Poll while the list is shown or something is watched.
   */
  protected updatePolling(): void {
    if (!this.isDisposed) {
      super.active = this._shown || this.pollWhileHidden;
    }
  }

  private _shown = true;
}
