import type { TranslationBundle } from '@jupyterlab/translation';
import {
  copyIcon,
  launchIcon,
  moveUpIcon,
  runIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IModelVersion } from '../../api/types';
import { formatMetric } from '../../experiments/components/run-status';
import { formatRelative } from '../../shared/time';
import { versionUri } from '../uri';
import { VersionAliasChips } from './alias-chips';
import { IconButton } from './icon-button';
import type { IModelActions } from './model-actions';
import { NotebookPath } from './notebook-path';

/**
 * The versions of a registered model, newest first: each with its aliases,
 * its run (which opens), notebook, age and the model's key metrics, and its
 * actions: promote it to an alias, open its run, copy its URI.
 */
export function ModelVersions(
  props: Pick<
    IModelActions,
    'onMoveAlias' | 'onCopyUri' | 'onOpenRun' | 'onServe'
  > & {
    /**
     * The registered model.
     */
    name: string;
    /**
     * Its versions, newest first.
     */
    versions: ReadonlyArray<IModelVersion>;
    /**
     * The metrics shown for every version.
     */
    metricKeys: ReadonlyArray<string>;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
): JSX.Element {
  const { name, trans } = props;
  if (props.versions.length === 0) {
    return (
      <p className="jp-mlx-Note">{trans.__('%1 has no versions.', name)}</p>
    );
  }
  const now = Date.now();
  return (
    <ul
      role="list"
      className="jp-mlx-ModelVersions"
      aria-label={trans.__('Versions of %1', name)}
    >
      {props.versions.map(version => (
        <VersionRow
          key={version.version}
          {...props}
          version={version}
          now={now}
        />
      ))}
    </ul>
  );
}

/**
 * One version.
 */
function VersionRow(
  props: Pick<
    IModelActions,
    'onMoveAlias' | 'onCopyUri' | 'onOpenRun' | 'onServe'
  > & {
    name: string;
    version: IModelVersion;
    metricKeys: ReadonlyArray<string>;
    now: number;
    trans: TranslationBundle;
  }
): JSX.Element {
  const { name, version, trans } = props;
  const v = version.version;
  const runId = version.run_id;
  const uri = versionUri(name, v);
  return (
    <li
      role="listitem"
      aria-label={trans.__('Version %1', v)}
      className="jp-mlx-ModelVersion"
      data-version={v}
    >
      <div className="jp-mlx-ModelVersion-head">
        <span className="jp-mlx-ModelVersion-number">{trans.__('v%1', v)}</span>
        <VersionAliasChips
          aliases={version.aliases}
          label={trans.__('Aliases of version %1', v)}
          trans={trans}
        />
        <div className="jp-mlx-ModelVersion-actions">
          <IconButton
            icon={moveUpIcon}
            className="jp-mlx-ModelVersion-promote"
            label={trans.__('Promote version %1 to an alias…', v)}
            title={trans.__(
              'Move an alias of %1 to version %2, behind gates',
              name,
              v
            )}
            onClick={() => props.onMoveAlias(name, { version: v })}
          />
          <IconButton
            icon={launchIcon}
            className="jp-mlx-ModelVersion-openRun"
            label={trans.__('Open the run of version %1', v)}
            title={
              runId === null
                ? trans.__('Version %1 has no MLflow run', v)
                : trans.__('Open the run of version %1', v)
            }
            enabled={runId !== null}
            onClick={() => runId !== null && props.onOpenRun(runId)}
          />
          {props.onServe && (
            <IconButton
              icon={runIcon}
              className="jp-mlx-ModelVersion-serve"
              label={trans.__('Serve version %1…', v)}
              title={trans.__('Serve %1 at an endpoint', uri)}
              onClick={() => props.onServe?.(uri, name)}
            />
          )}
          <IconButton
            icon={copyIcon}
            className="jp-mlx-ModelVersion-copyUri"
            label={trans.__('Copy URI of version %1', v)}
            title={trans.__('Copy %1', uri)}
            onClick={() => props.onCopyUri(uri)}
          />
        </div>
      </div>
      <div className="jp-mlx-ModelVersion-meta">
        {runId !== null && (
          <button
            type="button"
            className="jp-mlx-LinkButton jp-mlx-ModelVersion-run"
            onClick={() => props.onOpenRun(runId)}
            title={trans.__('Open run %1', runId)}
          >
            {version.run_name || runId}
          </button>
        )}
        {version.notebook && (
          <NotebookPath
            path={version.notebook}
            className="jp-mlx-ModelVersion-notebook"
          />
        )}
        {version.created !== null && (
          <span title={new Date(version.created).toLocaleString()}>
            {formatRelative(version.created, props.now)}
          </span>
        )}
      </div>
      {props.metricKeys.length > 0 && (
        <dl
          className="jp-mlx-ModelVersion-metrics"
          aria-label={trans.__('Metrics of version %1', v)}
        >
          {props.metricKeys.map(key => (
            <div key={key} className="jp-mlx-ModelVersion-metric">
              <dt>{key}</dt>
              <dd>{formatMetric(version.metrics[key])}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
