import type { TranslationBundle } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import React, { useMemo } from 'react';

import type { IDescribeModel, IModelVersion } from '../../api/types';
import { formatMetric } from '../../experiments/components/run-status';
import type { IChartColors } from '../../shared/charts/theme';
import { EChart } from '../../shared/components/chart';
import { ErrorNote } from '../../shared/components/error-note';
import { LoadingOrError } from '../../shared/components/loading-or-error';
import { RefreshButton } from '../../shared/components/refresh-button';
import { versionMetricsOption } from '../chart';
import { aliasUri, versionUri } from '../uri';
import { AliasChips } from './alias-chips';
import { IconButton } from './icon-button';

/**
 * Most versions the chart draws: the newest ones (the table lists them all).
 */
export const MAX_CHARTED_VERSIONS = 12;

/**
 * Properties of a model's version metrics.
 */
export interface IVersionMetricsProps {
  /**
   * The registered model's name.
   */
  name: string;
  /**
   * The model, or `null` before the first answer.
   */
  model: IDescribeModel | null;
  /**
   * Every metric key of the versions' runs.
   */
  metricKeys: ReadonlyArray<string>;
  /**
   * The metrics compared.
   */
  picked: ReadonlyArray<string>;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * Chart colours of the theme.
   */
  colors: IChartColors;
  /**
   * Compare on a metric, or stop comparing on it.
   */
  onPick: (key: string, picked: boolean) => void;
  /**
   * Open the view of a version's run.
   */
  onOpenRun: (runId: string) => void;
  /**
   * Serve a version (`models:/NAME/V`) at an endpoint, after asking its
   * name; without it, no Serve button shows.
   */
  onServe?: (modelUri: string, name: string) => void;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * A registered model's versions side by side: a metric picker, a grouped bar
 * chart (one group per metric, one bar per version, the alias holders
 * marked) and a table of versions by metrics.
 */
export function VersionMetrics(props: IVersionMetricsProps): JSX.Element {
  const { model, trans } = props;
  if (model === null) {
    return (
      <LoadingOrError
        className="jp-mlx-VersionMetrics"
        error={props.error}
        loading={trans.__('Loading model %1…', props.name)}
      />
    );
  }
  return (
    <div className="jp-mlx-Details jp-mlx-VersionMetrics">
      <div className="jp-mlx-Details-header">
        <h2 className="jp-mlx-Details-title">
          {trans.__('Model %1', model.name)}
        </h2>
        <AliasChips name={model.name} aliases={model.aliases} trans={trans} />
        {props.onServe &&
          Object.keys(model.aliases)
            .sort()
            .map(alias => (
              <IconButton
                key={alias}
                icon={runIcon}
                className="jp-mlx-VersionMetrics-serveAlias"
                label={trans.__('Serve @%1…', alias)}
                title={trans.__(
                  'Serve %1 at an endpoint that follows the alias',
                  aliasUri(model.name, alias)
                )}
                onClick={() =>
                  props.onServe?.(aliasUri(model.name, alias), model.name)
                }
              />
            ))}
        <RefreshButton
          label={trans.__('Refresh model %1', model.name)}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} />
      {model.description && <p>{model.description}</p>}
      {props.metricKeys.length === 0 ? (
        <p className="jp-mlx-Note">
          {trans.__(
            'The runs of the versions of %1 logged no metrics to compare.',
            model.name
          )}
        </p>
      ) : (
        <>
          <MetricPicker {...props} />
          <VersionChart {...props} model={model} />
        </>
      )}
      <VersionTable {...props} model={model} />
    </div>
  );
}

/**
 * The checkboxes choosing the metrics compared.
 */
function MetricPicker(props: IVersionMetricsProps): JSX.Element {
  const { trans } = props;
  const picked = new Set(props.picked);
  return (
    <fieldset className="jp-mlx-VersionMetrics-picker">
      <legend>{trans.__('Metrics compared')}</legend>
      {props.metricKeys.map(key => (
        <label key={key} className="jp-mlx-VersionMetrics-pick">
          <input
            type="checkbox"
            checked={picked.has(key)}
            onChange={event => props.onPick(key, event.target.checked)}
          />
          {key}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The grouped bar chart of the newest versions, oldest first.
 */
function VersionChart(
  props: IVersionMetricsProps & { model: IDescribeModel }
): JSX.Element {
  const { model, picked, colors, trans } = props;
  const option = useMemo(() => {
    const versions = model.versions.slice(0, MAX_CHARTED_VERSIONS).reverse();
    return versionMetricsOption(versions, picked, colors, version =>
      versionLabel(version, trans)
    );
  }, [model, picked, colors, trans]);
  if (picked.length === 0) {
    return (
      <p className="jp-mlx-Note">
        {trans.__('Pick metrics above to compare the versions on them.')}
      </p>
    );
  }
  return (
    <>
      <EChart
        option={option}
        className="jp-mlx-VersionMetrics-chart"
        label={trans.__('Metrics of the versions of %1', model.name)}
      />
      {model.versions.length > MAX_CHARTED_VERSIONS && (
        <p className="jp-mlx-Note">
          {trans.__(
            'The chart shows the newest %1 versions; the table lists them all.',
            MAX_CHARTED_VERSIONS
          )}
        </p>
      )}
    </>
  );
}

/**
 * The table of every version (newest first) by the metrics compared.
 */
function VersionTable(
  props: IVersionMetricsProps & { model: IDescribeModel }
): JSX.Element {
  const { model, trans } = props;
  const keys = props.picked.length > 0 ? props.picked : props.metricKeys;
  if (model.versions.length === 0) {
    return (
      <p className="jp-mlx-Note">
        {trans.__('%1 has no versions.', model.name)}
      </p>
    );
  }
  return (
    <div className="jp-mlx-VersionMetrics-tableScroll">
      <table
        className="jp-mlx-Table jp-mlx-VersionMetrics-table"
        aria-label={trans.__('Versions of %1 by metric', model.name)}
      >
        <thead>
          <tr>
            <th scope="col">{trans.__('Version')}</th>
            <th scope="col">{trans.__('Run')}</th>
            {keys.map(key => (
              <th key={key} scope="col">
                {key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {model.versions.map(version => (
            <tr
              key={version.version}
              data-version={version.version}
              className={
                version.aliases.length > 0 ? 'jp-mod-aliased' : undefined
              }
            >
              <th scope="row">
                {versionLabel(version, trans)}
                {props.onServe && (
                  <IconButton
                    icon={runIcon}
                    className="jp-mlx-VersionMetrics-serve"
                    label={trans.__('Serve version %1…', version.version)}
                    title={trans.__(
                      'Serve %1 at an endpoint',
                      versionUri(model.name, version.version)
                    )}
                    onClick={() =>
                      props.onServe?.(
                        versionUri(model.name, version.version),
                        model.name
                      )
                    }
                  />
                )}
              </th>
              <td>
                {version.run_id === null ? (
                  '–'
                ) : (
                  <RunLink
                    runId={version.run_id}
                    runName={version.run_name}
                    onOpenRun={props.onOpenRun}
                    trans={trans}
                  />
                )}
              </td>
              {keys.map(key => (
                <td key={key}>{formatMetric(version.metrics[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A version's run, which opens in its view.
 */
function RunLink(props: {
  runId: string;
  runName: string | null;
  onOpenRun: (runId: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { runId } = props;
  return (
    <button
      type="button"
      className="jp-mlx-LinkButton"
      onClick={() => props.onOpenRun(runId)}
      title={props.trans.__('Open run %1', runId)}
    >
      {props.runName || runId}
    </button>
  );
}

/**
 * A version as the chart and the table name it: `v3 @champion`.
 */
function versionLabel(
  version: IModelVersion,
  trans: TranslationBundle
): string {
  if (version.aliases.length === 0) {
    return trans.__('v%1', version.version);
  }
  const aliases = [...version.aliases]
    .sort()
    .map(alias => trans.__('@%1', alias))
    .join(' ');
  return trans.__('v%1 %2', version.version, aliases);
}
