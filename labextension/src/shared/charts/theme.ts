import type { IThemeManager } from '@jupyterlab/apputils';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

/**
 * Colours and font of charts, read from the JupyterLab theme.
 */
export interface IChartColors {
  /** Main text (titles, legend). */
  text: string;
  /** Secondary text (axis labels). */
  textMuted: string;
  /** Axis lines. */
  axis: string;
  /** Grid lines. */
  grid: string;
  /** Background of tooltips. */
  background: string;
  /** UI font family. */
  fontFamily: string;
  /** One colour per series, in order. */
  palette: string[];
}

/**
 * Series colours that read well on light and dark backgrounds.
 */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac'
];

/**
 * Read the chart colours from the `--jp-*` variables in effect on `element`.
 */
export function readChartColors(
  element: HTMLElement = document.body
): IChartColors {
  const style = window.getComputedStyle(element);
  const read = (name: string, fallback: string): string =>
    style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--jp-ui-font-color1', '#212121'),
    textMuted: read('--jp-ui-font-color2', '#616161'),
    axis: read('--jp-border-color1', '#bdbdbd'),
    grid: read('--jp-border-color2', '#e0e0e0'),
    background: read('--jp-layout-color1', '#ffffff'),
    fontFamily: read('--jp-ui-font-family', 'sans-serif'),
    palette: PALETTE
  };
}

/**
 * The chart colours of the current theme, updated when the theme changes.
 */
export class ChartTheme implements IDisposable {
  /**
   * @param themeManager - The application's theme manager, when there is one.
   */
  constructor(themeManager: IThemeManager | null) {
    this._colors = readChartColors();
    this._themeManager = themeManager;
    themeManager?.themeChanged.connect(this._onThemeChanged, this);
  }

  /**
   * Emitted when the colours changed.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The current colours.
   */
  get colors(): IChartColors {
    return this._colors;
  }

  /**
   * Whether the watcher is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Stop following the theme.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._themeManager?.themeChanged.disconnect(this._onThemeChanged, this);
    Signal.clearData(this);
  }

  private _onThemeChanged(): void {
    // The theme's style sheet applies on the next frame.
    window.requestAnimationFrame(() => {
      if (this._isDisposed) {
        return;
      }
      this._colors = readChartColors();
      this._changed.emit();
    });
  }

  private _changed = new Signal<this, void>(this);
  private _colors: IChartColors;
  private _isDisposed = false;
  private _themeManager: IThemeManager | null;
}
