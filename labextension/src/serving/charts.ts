import type { IEndpointBucket, IEndpointDrift } from '../api/types';
import type { ChartOption } from '../shared/charts/echarts';
import type { IChartColors } from '../shared/charts/theme';

/**
 * A line of a chart over time: its name and its points (milliseconds since
 * the epoch, value; `null` where there is none).
 */
export interface ITimeSeries {
  /** Name in the legend and tooltip. */
  name: string;
  /** The points, oldest first. */
  points: [number, number | null][];
}

/**
 * The seconds from the first bucket to the last, each with its bucket (or
 * `null` for a second without requests).
 */
export function seconds(
  buckets: ReadonlyArray<IEndpointBucket>
): [number, IEndpointBucket | null][] {
  if (buckets.length === 0) {
    return [];
  }
  const byTime = new Map(buckets.map(bucket => [bucket.t, bucket]));
  const first = buckets[0].t;
  const last = buckets[buckets.length - 1].t;
  const filled: [number, IEndpointBucket | null][] = [];
  for (let t = first; t <= last; t += 1) {
    filled.push([t, byTime.get(t) ?? null]);
  }
  return filled;
}

/**
 * Shortest time the charts show, in seconds: a few points do not spread
 * over days.
 */
export const MIN_SPAN_S = 60;

/**
 * The times the charts show, in milliseconds: from the first second read
 * (at least `MIN_SPAN_S` before the last) to the last.
 */
export function timeRange(
  buckets: ReadonlyArray<IEndpointBucket>
): [number, number] | undefined {
  if (buckets.length === 0) {
    return undefined;
  }
  const last = buckets[buckets.length - 1].t;
  const first = Math.min(buckets[0].t, last - MIN_SPAN_S);
  return [first * 1000, last * 1000];
}

/**
 * Requests and errors per second (a second without requests counts 0).
 *
 * @param names - The lines' names (translated): requests, errors.
 */
export function trafficSeries(
  buckets: ReadonlyArray<IEndpointBucket>,
  names: { requests: string; errors: string }
): ITimeSeries[] {
  const filled = seconds(buckets);
  return [
    {
      name: names.requests,
      points: filled.map(([t, bucket]) => [t * 1000, bucket?.requests ?? 0])
    },
    {
      name: names.errors,
      points: filled.map(([t, bucket]) => [t * 1000, bucket?.errors ?? 0])
    }
  ];
}

/**
 * The latency percentiles per second (none for a second without requests).
 */
export function latencySeries(
  buckets: ReadonlyArray<IEndpointBucket>
): ITimeSeries[] {
  const line = (
    name: string,
    read: (bucket: IEndpointBucket) => number | null
  ): ITimeSeries => ({
    name,
    points: seconds(buckets).map(([t, bucket]) => [
      t * 1000,
      bucket ? read(bucket) : null
    ])
  });
  return [
    line('p50', bucket => bucket.p50_ms),
    line('p95', bucket => bucket.p95_ms),
    line('p99', bucket => bucket.p99_ms)
  ];
}

/**
 * Requests per second of each version (`v3`, `v4`; the key itself when it
 * is not a version number).
 */
export function versionSeries(
  buckets: ReadonlyArray<IEndpointBucket>
): ITimeSeries[] {
  const versions = new Set<string>();
  buckets.forEach(bucket =>
    Object.keys(bucket.versions).forEach(key => versions.add(key))
  );
  const filled = seconds(buckets);
  return [...versions].sort(byNumber).map(version => ({
    name: /^\d+$/.test(version) ? `v${version}` : version,
    points: filled.map(([t, bucket]) => [
      t * 1000,
      bucket?.versions[version] ?? 0
    ])
  }));
}

/**
 * A line chart over time.
 *
 * @param title - The chart's title (translated).
 * @param series - Its lines.
 * @param colors - The theme's colours.
 * @param options.unit - Unit of the values, after them in the tooltip.
 * @param options.stack - Stack the lines as areas (shares of a whole).
 * @param options.connect - Draw a line across seconds without a value.
 * @param options.range - The first and last time shown (milliseconds).
 */
export function timeChartOption(
  title: string,
  series: ReadonlyArray<ITimeSeries>,
  colors: IChartColors,
  options: {
    unit?: string;
    stack?: boolean;
    connect?: boolean;
    range?: [number, number];
  } = {}
): ChartOption {
  const text = { color: colors.text, fontFamily: colors.fontFamily };
  const muted = { color: colors.textMuted, fontFamily: colors.fontFamily };
  const unit = options.unit ?? '';
  return {
    // Describes the chart (type, title, series names) in its aria-label.
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: text,
    title: {
      text: title,
      left: 'center',
      top: 4,
      textStyle: { ...text, fontSize: 13, fontWeight: 600 }
    },
    legend: {
      show: series.length > 1,
      type: 'scroll',
      bottom: 2,
      textStyle: text,
      pageTextStyle: muted,
      data: series.map(line => line.name)
    },
    tooltip: {
      trigger: 'axis',
      backgroundColor: colors.background,
      borderColor: colors.axis,
      textStyle: text,
      valueFormatter: (value: unknown) =>
        typeof value === 'number'
          ? `${Number(value.toPrecision(4))}${unit}`
          : '–'
    },
    grid: {
      left: 8,
      right: 16,
      top: 32,
      bottom: series.length > 1 ? 40 : 16,
      containLabel: true
    },
    xAxis: {
      type: 'time',
      min: options.range?.[0],
      max: options.range?.[1],
      axisLabel: { ...muted, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      min: 0,
      axisLabel: muted,
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    series: series.map(line => ({
      type: 'line' as const,
      name: line.name,
      data: line.points,
      showSymbol: line.points.length <= 1,
      connectNulls: options.connect ?? false,
      stack: options.stack ? 'total' : undefined,
      areaStyle: options.stack ? { opacity: 0.5 } : undefined,
      emphasis: { focus: 'series' as const }
    }))
  };
}

/**
 * A bar chart of the PSI of each feature, with the threshold as a dashed
 * line; drifted features' bars in the alarm colour.
 *
 * @param drift - The drift read.
 * @param colors - The theme's colours.
 * @param labels - The chart's title and the threshold line's name
 * (translated).
 */
export function driftOption(
  drift: IEndpointDrift,
  colors: IChartColors,
  labels: { title: string; threshold: string }
): ChartOption {
  const text = { color: colors.text, fontFamily: colors.fontFamily };
  const muted = { color: colors.textMuted, fontFamily: colors.fontFamily };
  const names = drift.features.map(feature => feature.name);
  const alarm = colors.palette[3];
  return {
    aria: { enabled: true },
    animation: false,
    color: colors.palette,
    textStyle: text,
    title: {
      text: labels.title,
      left: 'center',
      top: 4,
      textStyle: { ...text, fontSize: 13, fontWeight: 600 }
    },
    legend: {
      bottom: 2,
      textStyle: text,
      data: ['PSI', labels.threshold]
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      backgroundColor: colors.background,
      borderColor: colors.axis,
      textStyle: text
    },
    grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { ...muted, interval: 0, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.axis } }
    },
    yAxis: {
      type: 'value',
      min: 0,
      axisLabel: muted,
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { lineStyle: { color: colors.grid } }
    },
    series: [
      {
        type: 'bar' as const,
        name: 'PSI',
        data: drift.features.map(feature => ({
          value: feature.psi,
          itemStyle: feature.drifted ? { color: alarm } : undefined
        }))
      },
      {
        // A line across the categories, drawn with the chart types
        // registered already.
        type: 'line' as const,
        name: labels.threshold,
        data: names.map(() => drift.threshold),
        showSymbol: false,
        lineStyle: { type: 'dashed' as const, color: alarm, width: 2 },
        itemStyle: { color: alarm },
        tooltip: { show: false }
      }
    ]
  };
}

/**
 * Version keys in numeric order, others after them by name.
 */
function byNumber(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) {
    return x - y;
  }
  return a.localeCompare(b);
}
