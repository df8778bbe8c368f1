import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  launchIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type {
  IDescribeModel,
  IModelHistory,
  IModelSummary
} from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { RefreshButton } from '../../shared/components/refresh-button';
import { formatRelative } from '../../shared/time';
import { keyMetrics } from '../metrics';
import { AliasChips } from './alias-chips';
import { AliasHistory } from './alias-history';
import type { IModelActions } from './model-actions';
import { ModelAliases } from './model-aliases';
import { ModelVersions } from './model-versions';

/**
 * Milliseconds the search waits for the user to stop typing.
 */
const SEARCH_DELAY_MS = 300;

/**
 * Properties of the models list.
 */
export interface IModelsListProps extends IModelActions {
  /**
   * The registered models matching the search, by name.
   */
  models: ReadonlyArray<IModelSummary>;
  /**
   * Whether more models match than are listed.
   */
  truncated: boolean;
  /**
   * The search applied.
   */
  search: string;
  /**
   * Whether the search has been answered.
   */
  loaded: boolean;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a model is expanded.
   */
  isExpanded: (name: string) => boolean;
  /**
   * An expanded model's versions and aliases, or `null` before they are read.
   */
  detail: (name: string) => IDescribeModel | null;
  /**
   * An expanded model's alias history, or `null` before it is read.
   */
  history: (name: string) => IModelHistory | null;
  /**
   * Why the last read of an expanded model failed, or `null`.
   */
  detailError: (name: string) => string | null;
  /**
   * Search models by part of their name.
   */
  onSearch: (search: string) => void;
  /**
   * Expand or collapse a model.
   */
  onExpand: (name: string, expanded: boolean) => void;
  /**
   * Open a model's view in the main area.
   */
  onOpenModel: (name: string) => void;
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
 * The registered models: a search box, then each model with its aliases,
 * latest version and last update; an expanded model shows its aliases,
 * versions and alias history with their actions.
 */
export function ModelsList(props: IModelsListProps): JSX.Element {
  const { models, trans } = props;
  return (
    <div className="jp-mlx-List jp-mlx-ModelsList" aria-busy={props.refreshing}>
      <div className="jp-mlx-ModelsList-toolbar">
        <SearchBox
          search={props.search}
          onSearch={props.onSearch}
          trans={trans}
        />
        <RefreshButton
          label={trans.__('Refresh models')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} />
      {models.length === 0 ? (
        props.loaded &&
        props.error === null && (
          <p className="jp-mlx-Note">
            {props.search.trim()
              ? trans.__(
                  'No registered model name contains “%1”.',
                  props.search
                )
              : trans.__(
                  "No registered models yet: promote a run's model from its run view, %mlx_promote or `jupyter mlx models promote`."
                )}
          </p>
        )
      ) : (
        <ul
          role="list"
          className="jp-mlx-List-items"
          aria-label={trans.__('Registered models')}
        >
          {models.map(model => (
            <ModelRow key={model.name} {...props} model={model} />
          ))}
        </ul>
      )}
      {props.truncated && (
        <p className="jp-mlx-Note">
          {trans.__('More models match: search to narrow them down.')}
        </p>
      )}
    </div>
  );
}

/**
 * The search box, applied as the user types.
 */
function SearchBox(props: {
  search: string;
  onSearch: (search: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { search, onSearch, trans } = props;
  const [draft, setDraft] = useState(search);
  useEffect(() => setDraft(search), [search]);
  useEffect(() => {
    if (draft === search) {
      return;
    }
    const timer = window.setTimeout(() => onSearch(draft), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [draft]);
  return (
    <form
      className="jp-mlx-ModelsList-search"
      role="search"
      onSubmit={event => {
        event.preventDefault();
        onSearch(draft);
      }}
    >
      <input
        type="search"
        className="jp-mlx-ModelsList-searchInput"
        value={draft}
        placeholder={trans.__('Search models by name')}
        aria-label={trans.__('Search models')}
        onChange={event => setDraft(event.target.value)}
      />
    </form>
  );
}

/**
 * One registered model, expanded or not.
 */
function ModelRow(
  props: IModelsListProps & { model: IModelSummary }
): JSX.Element {
  const { model, trans } = props;
  const { name } = model;
  const expanded = props.isExpanded(name);
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  return (
    <li
      role="listitem"
      aria-label={name}
      className={`jp-mlx-ModelRow${expanded ? ' jp-mod-expanded' : ''}`}
      data-name={name}
    >
      <div className="jp-mlx-ModelRow-head">
        <button
          type="button"
          className="jp-mlx-ModelRow-toggle"
          aria-expanded={expanded}
          aria-label={
            expanded
              ? trans.__('Hide the versions of %1', name)
              : trans.__('Show the versions of %1', name)
          }
          onClick={() => props.onExpand(name, !expanded)}
        >
          <Caret.react tag="span" className="jp-mlx-ModelRow-caret" />
          <span className="jp-mlx-ModelRow-name">{name}</span>
        </button>
        {model.latest_version !== null && (
          <span
            className="jp-mlx-ModelRow-latest"
            title={trans.__('Latest version')}
          >
            {trans.__('latest v%1', model.latest_version)}
          </span>
        )}
        {model.updated !== null && (
          <span
            className="jp-mlx-ModelRow-updated"
            title={trans.__(
              'Updated %1',
              new Date(model.updated).toLocaleString()
            )}
          >
            {formatRelative(model.updated, Date.now())}
          </span>
        )}
      </div>
      <AliasChips name={name} aliases={model.aliases} trans={trans} />
      {expanded && <ModelDetails {...props} />}
    </li>
  );
}

/**
 * What an expanded model shows: its aliases, versions and alias history.
 */
function ModelDetails(
  props: IModelsListProps & { model: IModelSummary }
): JSX.Element {
  const { model, trans } = props;
  const { name } = model;
  const detail = props.detail(name);
  const history = props.history(name);
  const error = props.detailError(name);
  return (
    <div className="jp-mlx-ModelDetails">
      <ErrorNote error={error} className="jp-mlx-ModelDetails-error" />
      {detail === null ? (
        error === null && (
          <p className="jp-mlx-Note">{trans.__('Loading %1…', name)}</p>
        )
      ) : (
        <>
          <button
            type="button"
            className="jp-mlx-LinkButton jp-mlx-ModelDetails-open"
            onClick={() => props.onOpenModel(name)}
            title={trans.__(
              'Compare the metrics of the versions of %1 side by side',
              name
            )}
          >
            <launchIcon.react tag="span" className="jp-mlx-Icon" />
            {trans.__('Open model view')}
          </button>
          <section aria-label={trans.__('Aliases')}>
            <h4 className="jp-mlx-ModelDetails-heading">
              {trans.__('Aliases')}
            </h4>
            <ModelAliases
              {...props}
              name={name}
              aliases={detail.aliases}
              moves={history?.moves ?? null}
            />
          </section>
          <section aria-label={trans.__('Versions')}>
            <h4 className="jp-mlx-ModelDetails-heading">
              {trans.__('Versions')}
            </h4>
            <ModelVersions
              {...props}
              name={name}
              versions={detail.versions}
              metricKeys={keyMetrics(detail)}
            />
          </section>
        </>
      )}
      {history !== null && (
        <section aria-label={trans.__('History')}>
          <h4 className="jp-mlx-ModelDetails-heading">{trans.__('History')}</h4>
          <AliasHistory name={name} moves={history.moves} trans={trans} />
        </section>
      )}
    </div>
  );
}
