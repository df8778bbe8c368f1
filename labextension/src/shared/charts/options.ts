import type { IMetricSeries, IRunSummary } from '../../api/types';
import type { ChartOption } from './echarts';
import type { IChartColors } from './theme';

/**
 * A compared run as the charts name it.
 */
export interface IChartRun {
  /** MLflow run id. */
  id: string;
  /** Name shown in legends and tooltips. */
  name: string;
}

/**
 * Text style of every chart element.
 */
function textStyle(colors: IChartColors, muted = false) {
  return {
    color: muted ? colors.textMuted : colors.text,
    fontFamily: colors.fontFamily
  };
}

/**
 * The tooltip of every chart.
 */
function tooltip(colors: IChartColors, trigger: 'axis' | 'item') {
  return {
    trigger,
    backgroundColor: colors.background,
    borderColor: colors.axis,
    textStyle: textStyle(colors)
  };
}

/**
 * A line chart of one metric's history: one line per run, against the step.
 *
 * @param series - The metric's values per run, aligned on steps.
 * @param runs - The runs to draw, in legend order.
 * @param colors - The theme's colours.
 * @param stepLabel - Name of the x axis (translated).
 */
export function metricChartOption(
  series: IMetricSeries,
  runs: ReadonlyArray<IChartRun>,
  colors: IChartColors,
  stepLabel: string
): ChartOption {
  const drawn = runs.filter(run => series.values[run.id] !== undefined);
  return {
    // Describes the chart (type, title, series names) in its aria-label.
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: textStyle(colors),
    title: {
      text: series.key,
      left: 'center',
      top: 4,
      textStyle: { ...textStyle(colors), fontSize: 13, fontWeight: 600 }
    },
    legend: {
      show: runs.length > 1,
      type: 'scroll',
      bottom: 4,
      textStyle: textStyle(colors),
      pageTextStyle: textStyle(colors, true),
      data: drawn.map(run => run.name)
    },
    tooltip: tooltip(colors, 'axis'),
    grid: {
      left: 8,
      right: 16,
      top: 36,
      bottom: runs.length > 1 ? 44 : 20,
      containLabel: true
    },
    xAxis: {
      type: 'value',
      name: stepLabel,
      nameLocation: 'middle',
      nameGap: 22,
      minInterval: 1,
      scale: true,
      nameTextStyle: textStyle(colors, true),
      axisLabel: textStyle(colors, true),
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: textStyle(colors, true),
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    series: drawn.map(run => {
      const values = series.values[run.id];
      const points = series.steps
        .map((step, index) => [step, values[index]] as [number, number | null])
        .filter(point => point[1] !== null);
      return {
        type: 'line' as const,
        name: run.name,
        data: points,
        showSymbol: points.length <= 1,
        connectNulls: true,
        emphasis: { focus: 'series' as const }
      };
    })
  };
}

/**
 * Whether every value is a finite number (as text).
 */
export function isNumeric(values: ReadonlyArray<string>): boolean {
  return (
    values.length > 0 &&
    values.every(value => value.trim() !== '' && Number.isFinite(Number(value)))
  );
}

/**
 * Parallel coordinates of params against metrics: one axis per param
 * (numeric params on numeric axes, others on category axes), then one per
 * metric's last value; one line per run, in the series colours.
 *
 * @param runs - The compared runs.
 * @param paramKeys - The params to draw, one axis each.
 * @param metricKeys - The metrics of the last axes.
 * @param colors - The theme's colours.
 * @param missing - Category shown for a param a run does not have
 * (translated).
 */
export function parallelOption(
  runs: ReadonlyArray<IRunSummary>,
  paramKeys: ReadonlyArray<string>,
  metricKeys: ReadonlyArray<string>,
  colors: IChartColors,
  missing: string
): ChartOption {
  const axisStyle = {
    nameTextStyle: { ...textStyle(colors), fontWeight: 600 },
    axisLabel: textStyle(colors, true),
    axisLine: { lineStyle: { color: colors.axis } },
    axisTick: { lineStyle: { color: colors.axis } },
    splitLine: { show: false }
  };
  const parallelAxis: Record<string, unknown>[] = paramKeys.map((key, dim) => {
    const present = runs
      .map(run => run.params[key])
      .filter((value): value is string => value !== undefined);
    const numeric = isNumeric(present) && present.length === runs.length;
    if (numeric) {
      return { dim, name: key, type: 'value', scale: true, ...axisStyle };
    }
    const categories = [...new Set(present)].sort();
    if (present.length < runs.length) {
      categories.push(missing);
    }
    return {
      dim,
      name: key,
      type: 'category',
      data: categories,
      ...axisStyle
    };
  });
  metricKeys.forEach((key, index) =>
    parallelAxis.push({
      dim: paramKeys.length + index,
      name: key,
      type: 'value',
      scale: true,
      ...axisStyle,
      nameTextStyle: { ...axisStyle.nameTextStyle, color: colors.text }
    })
  );
  const row = (run: IRunSummary): (string | number | null)[] => {
    const values: (string | number | null)[] = paramKeys.map((key, dim) => {
      const value = run.params[key];
      if (parallelAxis[dim].type === 'value') {
        return Number(value);
      }
      return value ?? missing;
    });
    metricKeys.forEach(key => values.push(run.metrics[key] ?? null));
    return values;
  };
  return {
    // Describes the chart (type, title, series names) in its aria-label.
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: textStyle(colors),
    legend: {
      type: 'scroll',
      bottom: 0,
      textStyle: textStyle(colors),
      pageTextStyle: textStyle(colors, true),
      data: runs.map(run => run.run_name || run.run_id)
    },
    tooltip: { ...tooltip(colors, 'item') },
    parallel: {
      left: 48,
      right: 80,
      top: 40,
      bottom: 48,
      parallelAxisDefault: { nameLocation: 'end', nameGap: 16 }
    },
    parallelAxis,
    series: runs.map(run => ({
      type: 'parallel' as const,
      name: run.run_name || run.run_id,
      data: [row(run)],
      lineStyle: { width: 2, opacity: 0.9 },
      emphasis: { lineStyle: { width: 4 } }
    }))
  } as ChartOption;
}

/**
 * A line chart of one metric's last value over a series of runs, in their
 * order (e.g. the runs of a schedule, oldest first).
 *
 * @param labels - Each run's label on the x axis (its time).
 * @param values - Each run's value; `null` where it has none.
 * @param metricKey - The metric (the title and the line's name).
 * @param colors - The theme's colours.
 */
export function metricOverRunsOption(
  labels: ReadonlyArray<string>,
  values: ReadonlyArray<number | null>,
  metricKey: string,
  colors: IChartColors
): ChartOption {
  return {
    // Describes the chart (type, title, series names) in its aria-label.
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: textStyle(colors),
    title: {
      text: metricKey,
      left: 'center',
      top: 4,
      textStyle: { ...textStyle(colors), fontSize: 13, fontWeight: 600 }
    },
    tooltip: tooltip(colors, 'axis'),
    grid: { left: 8, right: 16, top: 36, bottom: 20, containLabel: true },
    xAxis: {
      type: 'category',
      data: [...labels],
      axisLabel: textStyle(colors, true),
      axisLine: { lineStyle: { color: colors.axis } }
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: textStyle(colors, true),
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    series: [
      {
        type: 'line' as const,
        name: metricKey,
        data: [...values],
        connectNulls: true,
        showSymbol: true
      }
    ]
  };
}
