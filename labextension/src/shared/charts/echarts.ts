/**
 * The parts of ECharts that jupyter-mlx draws with, registered once: line
 * charts of metric histories, parallel coordinates of params and bar charts
 * of model versions' metrics, on canvas.
 *
 * Importing the modular entry points keeps the bundle to what is used.
 */
import { BarChart, LineChart, ParallelChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent
} from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  AriaComponent,
  BarChart,
  CanvasRenderer,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  LineChart,
  ParallelChart,
  ParallelComponent,
  TitleComponent,
  TooltipComponent
]);

/**
 * The options of a chart (see the ECharts option reference).
 */
export type ChartOption = EChartsCoreOption;

/**
 * A chart drawn in an element.
 */
export type Chart = EChartsType;

/**
 * Create a chart filling `element`.
 */
export function createChart(element: HTMLElement): Chart {
  return echarts.init(element, null, { renderer: 'canvas' });
}
