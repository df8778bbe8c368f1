import { PolledState } from './polled';

/**
 * Bytes of log one answer carries at most (the server's limit): an answer
 * this long means more is waiting.
 */
const LOG_CHUNK_BYTES = 1 << 20;

/**
 * Most log pieces read in one refresh, so that a huge log is read over a
 * few refreshes rather than blocking one.
 */
const MAX_LOG_READS = 4;

/**
 * A piece of a log, as the server's log routes answer it.
 */
export interface ILogPiece {
  /** Pass it as `offset` to read on. */
  next_offset: number;
  /** The piece of the log. */
  text: string;
  /** Nothing writes the log any more and the whole log was read. */
  complete: boolean;
}

/**
 * A log followed from the last byte offset read, keeping its last
 * `maxChars` characters: the part of a state class that tails a job run's
 * or an environment's log.
 */
export class LogFollower {
  /**
   * @param options - How to read a piece, and how much of the log to keep.
   */
  constructor(options: LogFollower.IOptions) {
    this._read = options.read;
    this._maxChars = options.maxChars;
    this._appended = options.appended;
  }

  /**
   * The log read so far (its last `maxChars` characters).
   */
  get text(): string {
    return this._text;
  }

  /**
   * The byte offset to read the log on from.
   */
  get offset(): number {
    return this._offset;
  }

  /**
   * Whether the last piece read said the log is complete.
   */
  get complete(): boolean {
    return this._complete;
  }

  /**
   * Whether the beginning of a long log was dropped.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  /**
   * Forget the log and follow it again from its start; a read in flight is
   * dropped.
   */
  reset(): void {
    this._generation++;
    this._text = '';
    this._offset = 0;
    this._complete = false;
    this._truncated = false;
  }

  /**
   * Read the log on from the last offset, a few pieces at most.
   *
   * @throws {Error} the failure of `read`.
   */
  async readOn(): Promise<void> {
    const generation = this._generation;
    for (let read = 0; read < MAX_LOG_READS; read++) {
      const offset = this._offset;
      const piece = await this._read(offset);
      if (offset !== this._offset || generation !== this._generation) {
        // An overlapping refresh (or a reset) moved the offset meanwhile.
        return;
      }
      this._append(piece.text);
      this._offset = piece.next_offset;
      this._complete = piece.complete;
      if (piece.complete || piece.next_offset - offset < LOG_CHUNK_BYTES) {
        return;
      }
    }
  }

  private _append(text: string): void {
    if (!text) {
      return;
    }
    const log = this._text + text;
    if (log.length > this._maxChars) {
      this._text = log.slice(log.length - this._maxChars);
      this._truncated = true;
    } else {
      this._text = log;
    }
    this._appended?.();
  }

  private _appended: (() => void) | undefined;
  private _complete = false;
  private _generation = 0;
  private _maxChars: number;
  private _offset = 0;
  private _read: (offset: number) => Promise<ILogPiece>;
  private _text = '';
  private _truncated = false;
}

/**
 * Types of `LogFollower`.
 */
export namespace LogFollower {
  /**
   * Options of a log follower.
   */
  export interface IOptions {
    /**
     * Read the piece of the log that starts at a byte offset.
     */
    read: (offset: number) => Promise<ILogPiece>;
    /**
     * Most characters of the log kept; older text is dropped.
     */
    maxChars: number;
    /**
     * Called whenever text was added to the log.
     */
    appended?: () => void;
  }
}

/**
 * A polled state that follows a log: its `load()` calls `followLog()` to read
 * the log on; it shows the log through `log`, `logOffset`, `logComplete` and
 * `logTruncated`.
 *
 * Subclasses implement `readLog()`, besides `load()` and `live`.
 */
export abstract class LogFollowingState extends PolledState {
  /**
   * @param options - The poll's name and refresh intervals, and the most
   * characters of the log kept.
   */
  constructor(options: LogFollowingState.IOptions) {
    super(options);
    this.followedLog = new LogFollower({
      read: offset => this.readLog(offset),
      maxChars: options.maxLogChars,
      appended: () => this.logAppended()
    });
  }

  /**
   * The log read so far (its last `maxLogChars` characters).
   */
  get log(): string {
    return this.followedLog.text;
  }

  /**
   * The byte offset to read the log on from.
   */
  get logOffset(): number {
    return this.followedLog.offset;
  }

  /**
   * Whether nothing writes the log any more and the whole log was read.
   */
  get logComplete(): boolean {
    return this.followedLog.complete;
  }

  /**
   * Whether the beginning of a long log was dropped.
   */
  get logTruncated(): boolean {
    return this.followedLog.truncated;
  }

  /**
   * Read the piece of the log that starts at a byte offset.
   *
   * @throws {Error} any failure of the server or the network.
   */
  protected abstract readLog(offset: number): Promise<ILogPiece>;

  /**
   * Called whenever text was added to the log; nothing by default.
   */
  protected logAppended(): void {
    // The refresh that read the text tells the views once it ends.
  }

  /**
   * The log followed.
   */
  protected readonly followedLog: LogFollower;
}

/**
 * Types of `LogFollowingState`.
 */
export namespace LogFollowingState {
  /**
   * Options of a log-following state.
   */
  export interface IOptions extends PolledState.IOptions {
    /**
     * Most characters of the log kept; older text is dropped.
     */
    maxLogChars: number;
  }
}
