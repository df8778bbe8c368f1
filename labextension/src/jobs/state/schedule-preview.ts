import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type { ISchedulePreview } from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { PREVIEW_COUNT } from '../schedule';

/**
 * Milliseconds the preview waits after the last change before it asks.
 */
export const PREVIEW_DELAY_MS = 300;

/**
 * Why a schedule cannot be previewed: the message, beside the form field it
 * names (`cron` or `timezone`) when it names one.
 */
export interface IPreviewError {
  /**
   * The form field at fault, or `null` for a failure of the request.
   */
  field: 'cron' | 'timezone' | null;
  /**
   * The server's message.
   */
  message: string;
}

/**
 * The preview of the schedule being typed: its description and next fire
 * times, asked for once the user pauses typing; an answer to an older
 * schedule is dropped.
 */
export class SchedulePreviewState implements IDisposable {
  /**
   * @param options - The client and the debounce delay.
   */
  constructor(options: SchedulePreviewState.IOptions) {
    this._client = options.client;
    this._delay = options.delay ?? PREVIEW_DELAY_MS;
  }

  /**
   * Emitted whenever the preview, its error or its loading changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The preview of the latest schedule asked for, or `null`.
   */
  get preview(): ISchedulePreview | null {
    return this._preview;
  }

  /**
   * Why the latest schedule cannot be previewed, or `null`.
   */
  get error(): IPreviewError | null {
    return this._error;
  }

  /**
   * Whether a preview is awaited (typed or asked for).
   */
  get loading(): boolean {
    return this._loading;
  }

  /**
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Preview a schedule once the user pauses; `null` (no schedule, or one
   * the form already refuses) clears the preview.
   *
   * @param cron - The cron expression.
   * @param timeZone - The IANA zone it is read in.
   */
  update(cron: string | null, timeZone: string): void {
    if (this._isDisposed) {
      return;
    }
    const key = cron === null ? null : `${cron}\n${timeZone}`;
    if (key === this._key) {
      return;
    }
    this._key = key;
    window.clearTimeout(this._timer);
    if (cron === null) {
      this._set(null, null, false);
      return;
    }
    this._set(this._preview, null, true);
    this._timer = window.setTimeout(
      () => void this._fetch(key!, cron, timeZone),
      this._delay
    );
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._timer);
    Signal.clearData(this);
  }

  /**
   * Ask for the preview of a schedule; never rejects.
   */
  private async _fetch(
    key: string,
    cron: string,
    timeZone: string
  ): Promise<void> {
    try {
      const preview = await this._client.previewSchedule({
        cron,
        tz: timeZone,
        count: PREVIEW_COUNT
      });
      if (key === this._key) {
        this._set(preview, null, false);
      }
    } catch (reason) {
      if (key !== this._key) {
        return;
      }
      const { status, field } = describeFailure(reason);
      const message = (reason as Error).message ?? String(reason);
      const target =
        status === 400 && field === 'cron'
          ? 'cron'
          : status === 400 && field === 'tz'
            ? 'timezone'
            : null;
      this._set(null, { field: target, message }, false);
    }
  }

  private _set(
    preview: ISchedulePreview | null,
    error: IPreviewError | null,
    loading: boolean
  ): void {
    this._preview = preview;
    this._error = error;
    this._loading = loading;
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _delay: number;
  private _error: IPreviewError | null = null;
  private _isDisposed = false;
  private _key: string | null = null;
  private _loading = false;
  private _preview: ISchedulePreview | null = null;
  private _timer = 0;
}

/**
 * Types of `SchedulePreviewState`.
 */
export namespace SchedulePreviewState {
  /**
   * Options of a schedule preview.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Milliseconds to wait after the last change; defaults to
     * `PREVIEW_DELAY_MS`.
     */
    delay?: number;
  }
}
