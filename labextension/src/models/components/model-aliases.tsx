import type { TranslationBundle } from '@jupyterlab/translation';
import {
  copyIcon,
  deleteIcon,
  moveUpIcon,
  runIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IAliasMove } from '../../api/types';
import { previousVersion } from '../history';
import { aliasUri } from '../uri';
import { IconButton } from './icon-button';
import type { IModelActions } from './model-actions';

/**
 * The aliases of a registered model, each with the version it points to and
 * its actions: promote a version to it, roll it back (when the history shows
 * the version it held before), remove it, copy its URI.
 */
export function ModelAliases(
  props: Pick<
    IModelActions,
    'onMoveAlias' | 'onRollback' | 'onRemoveAlias' | 'onCopyUri' | 'onServe'
  > & {
    /**
     * The registered model.
     */
    name: string;
    /**
     * Alias to version.
     */
    aliases: Record<string, string>;
    /**
     * The model's alias history, newest first (`null` before it is read).
     */
    moves: ReadonlyArray<IAliasMove> | null;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
): JSX.Element {
  const { name, trans } = props;
  const aliases = Object.keys(props.aliases).sort();
  if (aliases.length === 0) {
    return (
      <p className="jp-mlx-Note">
        {trans.__(
          '%1 has no aliases: promote a version to one (e.g. champion) so that code loads it by alias.',
          name
        )}
      </p>
    );
  }
  return (
    <ul
      role="list"
      className="jp-mlx-ModelAliases"
      aria-label={trans.__('Aliases of %1 and their versions', name)}
    >
      {aliases.map(alias => {
        const version = props.aliases[alias];
        const previous = previousVersion(props.moves ?? [], alias, version);
        const uri = aliasUri(name, alias);
        return (
          <li
            key={alias}
            role="listitem"
            aria-label={trans.__('@%1 → v%2', alias, version)}
            className="jp-mlx-ModelAlias"
            data-alias={alias}
            data-version={version}
          >
            <span className="jp-mlx-AliasChip">
              {trans.__('@%1 → v%2', alias, version)}
            </span>
            <div className="jp-mlx-ModelAlias-actions">
              <IconButton
                icon={moveUpIcon}
                className="jp-mlx-ModelAlias-promote"
                label={trans.__('Promote a version to @%1…', alias)}
                title={trans.__(
                  'Move @%1 to another version, behind gates',
                  alias
                )}
                onClick={() => props.onMoveAlias(name, { alias })}
              />
              <IconButton
                icon={undoIcon}
                className="jp-mlx-ModelAlias-rollback"
                label={trans.__('Roll back @%1', alias)}
                title={
                  previous === null
                    ? trans.__(
                        'The history shows no earlier version of @%1',
                        alias
                      )
                    : trans.__('Move @%1 back to v%2', alias, previous)
                }
                enabled={previous !== null}
                onClick={() => props.onRollback(name, alias)}
              />
              <IconButton
                icon={deleteIcon}
                className="jp-mlx-ModelAlias-remove"
                label={trans.__('Remove @%1', alias)}
                title={trans.__(
                  'Remove @%1 (version %2 stays registered)',
                  alias,
                  version
                )}
                onClick={() => props.onRemoveAlias(name, alias)}
              />
              {props.onServe && (
                <IconButton
                  icon={runIcon}
                  className="jp-mlx-ModelAlias-serve"
                  label={trans.__('Serve @%1…', alias)}
                  title={trans.__(
                    'Serve %1 at an endpoint that follows the alias',
                    uri
                  )}
                  onClick={() => props.onServe?.(uri, name)}
                />
              )}
              <IconButton
                icon={copyIcon}
                className="jp-mlx-ModelAlias-copyUri"
                label={trans.__('Copy URI of @%1', alias)}
                title={trans.__('Copy %1', uri)}
                onClick={() => props.onCopyUri(uri)}
              />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
