import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo } from 'react';

import type {
  IEndpointBucket,
  IEndpointDrift,
  IEndpointRequestRecord
} from '../../api/types';
import { EChart } from '../../shared/components/chart';
import type { IChartColors } from '../../shared/charts/theme';
import {
  driftOption,
  latencySeries,
  timeChartOption,
  timeRange,
  trafficSeries,
  versionSeries
} from '../charts';
import { briefJSON, formatMilliseconds } from './format';

/**
 * The traffic of an endpoint over the last 15 minutes as charts: requests
 * and errors per second, latency percentiles, requests per version; each
 * with a caption summing it up (what a screen reader, or a test, reads).
 */
export function EndpointCharts(props: {
  buckets: ReadonlyArray<IEndpointBucket>;
  colors: IChartColors;
  trans: TranslationBundle;
}): JSX.Element {
  const { buckets, colors, trans } = props;
  const options = useMemo(() => {
    const range = timeRange(buckets);
    return {
      traffic: timeChartOption(
        trans.__('Requests per second'),
        trafficSeries(buckets, {
          requests: trans.__('requests'),
          errors: trans.__('errors')
        }),
        colors,
        { range }
      ),
      latency: timeChartOption(
        trans.__('Latency (ms)'),
        latencySeries(buckets),
        colors,
        { unit: ' ms', range }
      ),
      versions: timeChartOption(
        trans.__('Requests per version'),
        versionSeries(buckets),
        colors,
        { stack: true, range }
      )
    };
  }, [buckets, colors, trans]);
  const requests = buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
  const errors = buckets.reduce((sum, bucket) => sum + bucket.errors, 0);
  const last = buckets[buckets.length - 1];
  return (
    <div className="jp-mlx-EndpointCharts">
      <ChartFigure
        option={options.traffic}
        label={trans.__('Requests per second')}
        caption={trans._n(
          '%1 request in the last 15 minutes, %2 errors',
          '%1 requests in the last 15 minutes, %2 errors',
          requests,
          errors
        )}
        kind="requests"
      />
      <ChartFigure
        option={options.latency}
        label={trans.__('Latency percentiles')}
        caption={
          last
            ? trans.__(
                'Last second: p50 %1, p95 %2, p99 %3',
                formatMilliseconds(last.p50_ms),
                formatMilliseconds(last.p95_ms),
                formatMilliseconds(last.p99_ms)
              )
            : trans.__('No requests yet.')
        }
        kind="latency"
      />
      <ChartFigure
        option={options.versions}
        label={trans.__('Requests per version')}
        caption={describeVersions(buckets, trans)}
        kind="versions"
      />
    </div>
  );
}

/**
 * A chart with its caption.
 */
function ChartFigure(props: {
  option: ReturnType<typeof timeChartOption>;
  label: string;
  caption: string;
  kind: string;
}): JSX.Element {
  return (
    <figure
      className="jp-mlx-EndpointChart"
      data-kind={props.kind}
      aria-label={props.label}
    >
      <EChart
        option={props.option}
        label={props.label}
        className="jp-mlx-EndpointChart-canvas"
      />
      <figcaption className="jp-mlx-EndpointChart-caption">
        {props.caption}
      </figcaption>
    </figure>
  );
}

/**
 * The share of each version in the requests shown.
 */
function describeVersions(
  buckets: ReadonlyArray<IEndpointBucket>,
  trans: TranslationBundle
): string {
  const totals = new Map<string, number>();
  let all = 0;
  for (const bucket of buckets) {
    for (const [version, count] of Object.entries(bucket.versions)) {
      totals.set(version, (totals.get(version) ?? 0) + count);
      all += count;
    }
  }
  if (all === 0) {
    return trans.__('No requests yet.');
  }
  return [...totals.entries()]
    .map(([version, count]) =>
      trans.__('v%1: %2%', version, Math.round((count * 100) / all))
    )
    .join(', ');
}

/**
 * The input drift of an endpoint: PSI per feature as bars against the
 * threshold line, the drifted features named.
 */
export function EndpointDrift(props: {
  drift: IEndpointDrift | null;
  colors: IChartColors;
  trans: TranslationBundle;
}): JSX.Element {
  const { drift, colors, trans } = props;
  const option = useMemo(
    () =>
      drift === null
        ? null
        : driftOption(drift, colors, {
            title: trans.__('Population stability index per feature'),
            threshold: trans.__('threshold %1', drift.threshold)
          }),
    [drift, colors, trans]
  );
  if (drift === null) {
    return <p className="jp-mlx-Note">{trans.__('Reading the drift…')}</p>;
  }
  const drifted = drift.features.filter(feature => feature.drifted);
  return (
    <div className="jp-mlx-EndpointDrift">
      <p className="jp-mlx-EndpointDrift-summary" role="status">
        {drift.message ??
          (drifted.length > 0
            ? trans.__(
                'Drifted (PSI above %1): %2',
                drift.threshold,
                drifted.map(feature => feature.name).join(', ')
              )
            : trans.__(
                'No feature drifted (PSI at most %1).',
                drift.threshold
              ))}{' '}
        <span className="jp-mlx-EndpointDrift-rows">
          {trans.__(
            '%1 live rows against %2 rows of %3.',
            drift.live_rows,
            drift.reference_rows,
            drift.reference ?? trans.__('no reference')
          )}
        </span>
      </p>
      {option !== null && drift.features.length > 0 && (
        <EChart
          option={option}
          label={trans.__('Input drift per feature')}
          className="jp-mlx-EndpointDrift-chart"
        />
      )}
    </div>
  );
}

/**
 * The latest requests of an endpoint, newest first.
 */
export function EndpointRequestLog(props: {
  records: ReadonlyArray<IEndpointRequestRecord>;
  trans: TranslationBundle;
}): JSX.Element {
  const { records, trans } = props;
  if (records.length === 0) {
    return <p className="jp-mlx-Note">{trans.__('No requests yet.')}</p>;
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-EndpointRequestLog"
      aria-label={trans.__('Latest requests')}
    >
      <thead>
        <tr>
          <th scope="col">{trans.__('Time')}</th>
          <th scope="col">{trans.__('Status')}</th>
          <th scope="col">{trans.__('Version')}</th>
          <th scope="col">{trans.__('Latency')}</th>
          <th scope="col">{trans.__('Input')}</th>
          <th scope="col">{trans.__('Output')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record, index) => (
          <tr
            key={`${record.t}-${index}`}
            className={record.status >= 400 ? 'jp-mod-error' : undefined}
          >
            <td title={record.t}>{new Date(record.t).toLocaleTimeString()}</td>
            <td>{record.status}</td>
            <td>{record.version ?? '–'}</td>
            <td>{formatMilliseconds(record.latency_ms)}</td>
            <td className="jp-mlx-EndpointRequestLog-sample">
              <code>{briefJSON(record.input)}</code>
            </td>
            <td className="jp-mlx-EndpointRequestLog-sample">
              <code>{briefJSON(record.output)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
