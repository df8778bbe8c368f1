import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type {
  IAliasMove,
  IGateResult,
  MoveAction,
  MoveOutcome
} from '../../api/types';
import { formatRelative } from '../../shared/time';

/**
 * The alias history of a registered model, newest first: when, who, which
 * alias went from which version to which, how, how it ended (a refused or
 * undone move with why), the gates it passed or failed, and the note.
 */
export function AliasHistory(props: {
  /**
   * The registered model.
   */
  name: string;
  /**
   * Its moves, newest first.
   */
  moves: ReadonlyArray<IAliasMove>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { moves, trans } = props;
  const title = trans.__('Alias history of %1', props.name);
  if (moves.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-AliasHistory-empty">
        {trans.__(
          'No alias moves yet: promoting a version to an alias records who moved it, when and with which gates.'
        )}
      </p>
    );
  }
  const now = Date.now();
  return (
    <ol className="jp-mlx-AliasHistory" aria-label={title}>
      {moves.map(move => (
        <AliasMoveEntry
          key={move.move_id}
          move={move}
          now={now}
          trans={trans}
        />
      ))}
    </ol>
  );
}

/**
 * One move of the history.
 */
function AliasMoveEntry(props: {
  move: IAliasMove;
  now: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { move, trans } = props;
  const at = Date.parse(move.at);
  const versions = versionChange(move, trans);
  const action = actionLabel(move.action, trans);
  const outcome = outcomeLabel(move.outcome, trans);
  return (
    <li
      className={`jp-mlx-AliasMove jp-mod-${move.outcome}`}
      aria-label={trans.__(
        '@%1 %2: %3, %4',
        move.alias,
        versions,
        action,
        outcome
      )}
      data-action={move.action}
      data-outcome={move.outcome}
    >
      <div className="jp-mlx-AliasMove-head">
        <span className="jp-mlx-AliasChip">{trans.__('@%1', move.alias)}</span>
        <span className="jp-mlx-AliasMove-versions">{versions}</span>
        <span className="jp-mlx-AliasMove-action">{action}</span>
        <span className={`jp-mlx-AliasMove-outcome jp-mod-${move.outcome}`}>
          {outcome}
        </span>
      </div>
      <div className="jp-mlx-AliasMove-meta">
        <time
          dateTime={move.at}
          title={Number.isNaN(at) ? move.at : new Date(at).toLocaleString()}
        >
          {Number.isNaN(at) ? move.at : formatRelative(at, props.now)}
        </time>
        <span className="jp-mlx-AliasMove-user">
          {move.user ?? trans.__('outside jupyter-mlx')}
        </span>
      </div>
      {move.error && <div className="jp-mlx-AliasMove-error">{move.error}</div>}
      {move.gates.length > 0 && <MoveGates gates={move.gates} trans={trans} />}
      {move.note && <p className="jp-mlx-AliasMove-note">{move.note}</p>}
    </li>
  );
}

/**
 * The gates of a move: how many passed and failed, each gate with the values
 * compared on expanding (and in the tooltip).
 */
export function MoveGates(props: {
  /**
   * The gates and their verdicts.
   */
  gates: ReadonlyArray<IGateResult>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { gates, trans } = props;
  const passed = gates.filter(gate => gate.status === 'passed').length;
  const failed = gates.filter(gate => gate.status === 'failed').length;
  const summary =
    failed > 0
      ? trans.__('gates: %1 passed, %2 failed', passed, failed)
      : trans._n('%1 gate passed', '%1 gates passed', passed);
  return (
    <details
      className={`jp-mlx-MoveGates${failed > 0 ? ' jp-mod-failed' : ''}`}
    >
      <summary title={gates.map(gate => gateLine(gate, trans)).join('\n')}>
        {summary}
      </summary>
      <ul className="jp-mlx-MoveGates-list">
        {gates.map((gate, index) => (
          <li
            key={`${index}:${gate.gate}`}
            className={`jp-mlx-MoveGate jp-mod-${gate.status}`}
          >
            {gateLine(gate, trans)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * A gate in one line: its verdict, the gate, and the values compared.
 */
function gateLine(gate: IGateResult, trans: TranslationBundle): string {
  const status = gateStatusLabel(gate, trans);
  return gate.detail
    ? trans.__('%1: %2 (%3)', status, gate.gate, gate.detail)
    : trans.__('%1: %2', status, gate.gate);
}

/**
 * A gate's verdict in words.
 */
function gateStatusLabel(gate: IGateResult, trans: TranslationBundle): string {
  switch (gate.status) {
    case 'passed':
      return trans.__('passed');
    case 'failed':
      return trans.__('failed');
    case 'running':
      return trans.__('running');
    default:
      return trans.__('pending');
  }
}

/**
 * The versions of a move: `v2 → v3`, `none → v1`, `v3 → none`.
 */
export function versionChange(
  move: Pick<IAliasMove, 'from_version' | 'to_version'>,
  trans: TranslationBundle
): string {
  const version = (value: string | null): string =>
    value === null ? trans.__('none') : trans.__('v%1', value);
  return trans.__(
    '%1 → %2',
    version(move.from_version),
    version(move.to_version)
  );
}

/**
 * What a move did, in words.
 */
function actionLabel(action: MoveAction, trans: TranslationBundle): string {
  switch (action) {
    case 'promote':
      return trans.__('promoted');
    case 'move':
      return trans.__('moved');
    case 'rollback':
      return trans.__('rolled back');
    case 'remove':
      return trans.__('removed');
    default:
      return trans.__('moved outside jupyter-mlx');
  }
}

/**
 * How a move ended, in words.
 */
function outcomeLabel(outcome: MoveOutcome, trans: TranslationBundle): string {
  switch (outcome) {
    case 'refused':
      return trans.__('refused');
    case 'undone':
      return trans.__('undone');
    default:
      return trans.__('done');
  }
}
