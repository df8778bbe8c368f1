import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

/**
 * A model's aliases as chips, `@champion → v3`, sorted by alias; nothing
 * when it has none.
 */
export function AliasChips(props: {
  /**
   * The registered model.
   */
  name: string;
  /**
   * Alias to version.
   */
  aliases: Record<string, string>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element | null {
  const { name, trans } = props;
  const aliases = Object.keys(props.aliases).sort();
  if (aliases.length === 0) {
    return null;
  }
  return (
    <ul
      className="jp-mlx-AliasChips"
      aria-label={trans.__('Aliases of %1', name)}
    >
      {aliases.map(alias => {
        const text = trans.__('@%1 → v%2', alias, props.aliases[alias]);
        return (
          <li
            key={alias}
            className="jp-mlx-AliasChip"
            data-alias={alias}
            title={trans.__(
              '%1@%2 points to version %3',
              name,
              alias,
              props.aliases[alias]
            )}
          >
            {text}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The aliases pointing to one version, as chips `@champion`.
 */
export function VersionAliasChips(props: {
  /**
   * The aliases.
   */
  aliases: ReadonlyArray<string>;
  /**
   * Accessible name of the chips.
   */
  label: string;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element | null {
  const { trans } = props;
  if (props.aliases.length === 0) {
    return null;
  }
  return (
    <ul className="jp-mlx-AliasChips" aria-label={props.label}>
      {[...props.aliases].sort().map(alias => (
        <li key={alias} className="jp-mlx-AliasChip" data-alias={alias}>
          {trans.__('@%1', alias)}
        </li>
      ))}
    </ul>
  );
}
