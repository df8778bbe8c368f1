import React from 'react';

/**
 * Properties of a key-value table.
 */
export interface IKeyValueTableProps {
  /**
   * Accessible name of the table.
   */
  label: string;
  /**
   * Header of the key column and of the value column.
   */
  keyHeader: string;
  valueHeader: string;
  /**
   * The entries, shown sorted by key.
   */
  entries: Record<string, string | number>;
  /**
   * Shown instead of an empty table.
   */
  empty: string;
}

/**
 * A two-column table of keys and values (a run's params or tags).
 */
export function KeyValueTable(props: IKeyValueTableProps): JSX.Element {
  const keys = Object.keys(props.entries).sort();
  if (keys.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-KeyValueTable-empty">{props.empty}</p>
    );
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-KeyValueTable"
      aria-label={props.label}
    >
      <thead>
        <tr>
          <th scope="col">{props.keyHeader}</th>
          <th scope="col">{props.valueHeader}</th>
        </tr>
      </thead>
      <tbody>
        {keys.map(key => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{String(props.entries[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A section headed by the name of its key-value table.
 */
export function KeyValueSection(props: IKeyValueTableProps): JSX.Element {
  return (
    <section aria-label={props.label}>
      <h3>{props.label}</h3>
      <KeyValueTable {...props} />
    </section>
  );
}
