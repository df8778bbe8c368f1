import type { IModelVersion } from '../api/types';
import type { ChartOption } from '../shared/charts/echarts';
import type { IChartColors } from '../shared/charts/theme';

/**
 * What the chart calls a version: its number and the aliases it holds
 * (`v3 @champion`), the series' name in the legend and tooltip.
 */
export type VersionLabel = (version: IModelVersion) => string;

/**
 * A grouped bar chart of versions' metrics: one group per metric, one bar
 * per version (oldest first, in the series colours). The versions holding an
 * alias are marked: an outlined bar with the alias above it; the others are
 * drawn lighter.
 *
 * @param versions - The versions compared, oldest first.
 * @param metricKeys - The metrics, one group each.
 * @param colors - The theme's colours.
 * @param label - The name of a version's series.
 */
export function versionMetricsOption(
  versions: ReadonlyArray<IModelVersion>,
  metricKeys: ReadonlyArray<string>,
  colors: IChartColors,
  label: VersionLabel
): ChartOption {
  const text = { color: colors.text, fontFamily: colors.fontFamily };
  const muted = { color: colors.textMuted, fontFamily: colors.fontFamily };
  return {
    // Describes the chart (type, series names) in its aria-label.
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: text,
    legend: {
      type: 'scroll',
      bottom: 0,
      textStyle: text,
      pageTextStyle: muted,
      data: versions.map(label)
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      backgroundColor: colors.background,
      borderColor: colors.axis,
      textStyle: text
    },
    grid: { left: 8, right: 16, top: 24, bottom: 36, containLabel: true },
    xAxis: {
      type: 'category',
      data: [...metricKeys],
      axisLabel: { ...muted, interval: 0 },
      axisLine: { lineStyle: { color: colors.axis } }
    },
    yAxis: {
      type: 'value',
      axisLabel: muted,
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    series: versions.map(version => {
      const holder = version.aliases.length > 0;
      return {
        type: 'bar' as const,
        name: label(version),
        data: metricKeys.map(key => version.metrics[key] ?? null),
        emphasis: { focus: 'series' as const },
        itemStyle: holder
          ? { borderColor: colors.text, borderWidth: 2 }
          : { opacity: 0.6 },
        label: {
          show: holder,
          position: 'top' as const,
          formatter: version.aliases.map(alias => `@${alias}`).join(' '),
          ...muted
        }
      };
    })
  };
}
