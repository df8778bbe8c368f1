import type { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  Button,
  deleteIcon,
  downloadIcon,
  editIcon,
  historyIcon,
  type LabIcon,
  lockIcon,
  fileIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type {
  IEnvironment,
  IInstallProgress,
  ISpecProblem,
  IStaleLine
} from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { RefreshButton } from '../../shared/components/refresh-button';
import { formatRelative } from '../../shared/time';
import type { EnvironmentAction } from '../state/environments';
import type { EnvironmentLogState } from '../state/log';
import { LiveEnvironmentLog } from './environment-log';
import { EnvironmentStateBadge } from './environment-state';

/**
 * What the user can do with an environment.
 */
export interface IEnvironmentActions {
  /**
   * Solve its spec into a lock.
   */
  onLock: (environment: IEnvironment) => void;
  /**
   * Install it from its lock.
   */
  onInstall: (environment: IEnvironment) => void;
  /**
   * Open its spec in the editor.
   */
  onOpenSpec: (environment: IEnvironment) => void;
  /**
   * Open its lock in the editor.
   */
  onOpenLock: (environment: IEnvironment) => void;
  /**
   * Show its lock against the previous lock.
   */
  onLockDiff: (environment: IEnvironment) => void;
  /**
   * Remove it (after asking whether to delete its spec too).
   */
  onRemove: (environment: IEnvironment) => void;
}

/**
 * Properties of the environments list.
 */
export interface IEnvironmentsListProps extends IEnvironmentActions {
  /**
   * The environments, by name.
   */
  environments: ReadonlyArray<IEnvironment>;
  /**
   * The specs that cannot be read.
   */
  problems: ReadonlyArray<ISpecProblem>;
  /**
   * Whether they have been fetched.
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
   * The environment to point out, or `null`.
   */
  highlighted: string | null;
  /**
   * What is being done to an environment, or `null`.
   */
  busy: (name: string) => EnvironmentAction | null;
  /**
   * Why the last lock or install asked from this page failed, or `null`.
   */
  failure: (name: string) => string | null;
  /**
   * The log shown of an environment, or `null`.
   */
  logOf: (name: string) => EnvironmentLogState | null;
  /**
   * Show an environment's log.
   */
  onShowLog: (environment: IEnvironment) => void;
  /**
   * Hide an environment's log.
   */
  onHideLog: (name: string) => void;
  /**
   * Open a file (an unreadable spec) in the editor.
   */
  onOpenPath: (path: string) => void;
  /**
   * Ask for a new environment.
   */
  onCreate: () => void;
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
 * The environments of the workspace: each with its flavour, state, kernel,
 * packages, what changed since its lock, an install's progress and log, and
 * its actions; then the specs that cannot be read.
 */
export function EnvironmentsList(props: IEnvironmentsListProps): JSX.Element {
  const { environments, problems, trans } = props;
  return (
    <div
      className="jp-mlx-List jp-mlx-EnvironmentsList"
      aria-busy={props.refreshing}
    >
      <div className="jp-mlx-EnvironmentsList-toolbar">
        <Button
          small
          className="jp-mlx-EnvironmentsList-create"
          onClick={props.onCreate}
          title={trans.__(
            'Declare a new environment: from a form, or as a file to edit'
          )}
        >
          <addIcon.react tag="span" className="jp-mlx-Icon" />
          {trans.__('New environment')}
        </Button>
        <RefreshButton
          label={trans.__('Refresh environments')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} />
      {environments.length === 0 ? (
        props.loaded && (
          <p className="jp-mlx-Note">
            {trans.__(
              'No environments yet. Create one with New environment, or add an environment.yml or a requirements.in to the server root or to envs/.'
            )}
          </p>
        )
      ) : (
        <ul
          role="list"
          className="jp-mlx-List-items"
          aria-label={trans.__('Environments')}
        >
          {environments.map(environment => (
            <EnvironmentRow
              key={environment.name}
              {...props}
              environment={environment}
            />
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <SpecProblems
          problems={problems}
          onOpenPath={props.onOpenPath}
          trans={trans}
        />
      )}
    </div>
  );
}

/**
 * One environment of the list.
 */
function EnvironmentRow(
  props: IEnvironmentsListProps & { environment: IEnvironment }
): JSX.Element {
  const { environment, trans } = props;
  const busy = props.busy(environment.name);
  const failure = props.failure(environment.name);
  const log = props.logOf(environment.name);
  const installing = environment.state === 'installing';
  const highlighted = props.highlighted === environment.name;
  return (
    <li
      role="listitem"
      aria-label={environment.name}
      className={`jp-mlx-EnvironmentRow${highlighted ? ' jp-mod-highlighted' : ''}`}
      data-name={environment.name}
      data-state={environment.state}
      aria-busy={busy !== null || installing}
    >
      <div className="jp-mlx-EnvironmentRow-head">
        <button
          type="button"
          className="jp-mlx-LinkButton jp-mlx-EnvironmentRow-name"
          onClick={() => props.onOpenSpec(environment)}
          title={trans.__('Open the spec %1', environment.spec_path)}
        >
          {environment.name}
        </button>
        <span
          className="jp-mlx-EnvironmentRow-flavour"
          title={
            environment.flavour === 'pip'
              ? trans.__('Declared by a requirements.in, installed with pip')
              : trans.__(
                  'Declared by an environment.yml, installed with conda packages'
                )
          }
        >
          {environment.flavour}
        </span>
        <EnvironmentStateBadge state={environment.state} trans={trans} />
        <EnvironmentButtons {...props} busy={busy} />
      </div>
      <div className="jp-mlx-EnvironmentRow-meta">
        <EnvironmentFacts environment={environment} busy={busy} trans={trans} />
        <LogToggle
          shown={log !== null}
          // The log of an install is shown for as long as it runs.
          hideable={!installing}
          onShow={() => props.onShowLog(environment)}
          onHide={() => props.onHideLog(environment.name)}
          trans={trans}
        />
      </div>
      {environment.state === 'stale' && environment.stale_lines.length > 0 && (
        <StaleLines
          name={environment.name}
          lines={environment.stale_lines}
          trans={trans}
        />
      )}
      {installing && (
        <InstallProgress
          name={environment.name}
          progress={environment.progress}
          trans={trans}
        />
      )}
      {environment.state === 'failed' && environment.error && (
        <ErrorNote
          error={environment.error}
          className="jp-mlx-EnvironmentRow-error"
        />
      )}
      {failure !== null && environment.state !== 'failed' && (
        <ErrorNote error={failure} className="jp-mlx-EnvironmentRow-error" />
      )}
      {log !== null && <LiveEnvironmentLog state={log} trans={trans} />}
    </li>
  );
}

/**
 * The actions of an environment, as icon buttons: lock, install, open the
 * spec, open the lock, the lock's diff, remove. The next step (lock a
 * declared or stale spec, install a lock) is pointed out.
 */
function EnvironmentButtons(
  props: IEnvironmentActions & {
    environment: IEnvironment;
    busy: EnvironmentAction | null;
    trans: TranslationBundle;
  }
): JSX.Element {
  const { environment, busy, trans } = props;
  const { name, state } = environment;
  const idle = busy === null && state !== 'installing';
  const locked = environment.lock_path !== null;
  const button = (
    key: string,
    icon: LabIcon,
    label: string,
    title: string,
    onClick: (environment: IEnvironment) => void,
    enabled: boolean,
    attention = false
  ): JSX.Element => (
    <Button
      key={key}
      minimal
      small
      className={`jp-mlx-EnvironmentRow-${key}${attention ? ' jp-mod-attention' : ''}`}
      onClick={() => onClick(environment)}
      disabled={!enabled}
      title={title}
      aria-label={label}
    >
      <icon.react tag="span" />
    </Button>
  );
  return (
    <div className="jp-mlx-EnvironmentRow-actions">
      {button(
        'lock',
        lockIcon,
        trans.__('Lock %1', name),
        state === 'stale'
          ? trans.__('Lock %1 again: its spec changed since the lock', name)
          : trans.__('Solve the spec of %1 into a lock', name),
        props.onLock,
        idle,
        state === 'declared' || state === 'stale'
      )}
      {button(
        'install',
        downloadIcon,
        trans.__('Install %1', name),
        state === 'stale'
          ? trans.__('Lock %1 again before installing it', name)
          : trans.__('Install %1 from its lock, with its kernel', name),
        props.onInstall,
        idle && locked && state !== 'stale' && state !== 'declared',
        state === 'locked'
      )}
      {button(
        'open-spec',
        editIcon,
        trans.__('Open the spec of %1', name),
        trans.__('Open %1 in the editor', environment.spec_path),
        props.onOpenSpec,
        true
      )}
      {button(
        'open-lock',
        fileIcon,
        trans.__('Open the lock of %1', name),
        locked
          ? trans.__('Open %1 in the editor', environment.lock_path)
          : trans.__('%1 has no lock yet', name),
        props.onOpenLock,
        locked
      )}
      {button(
        'lock-diff',
        historyIcon,
        trans.__('Lock diff of %1', name),
        locked
          ? trans.__(
              'Packages added, removed and changed by the last lock of %1',
              name
            )
          : trans.__('%1 has no lock yet', name),
        props.onLockDiff,
        locked
      )}
      {button(
        'remove',
        deleteIcon,
        trans.__('Remove %1', name),
        trans.__('Remove %1: its installed files and kernel', name),
        props.onRemove,
        idle
      )}
    </div>
  );
}

/**
 * An environment's kernel, packages, lock and install times, and what is
 * being done to it.
 */
function EnvironmentFacts(props: {
  environment: IEnvironment;
  busy: EnvironmentAction | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { environment, busy, trans } = props;
  const now = Date.now();
  const facts: JSX.Element[] = [];
  if (busy !== null) {
    facts.push(
      <span key="busy" className="jp-mlx-EnvironmentRow-busy" role="status">
        {busyLabel(busy, trans)}
      </span>
    );
  }
  if (environment.state === 'ready' && environment.kernel) {
    facts.push(
      <span
        key="kernel"
        className="jp-mlx-EnvironmentRow-kernel"
        title={trans.__('Kernel %1', environment.kernel)}
      >
        {trans.__('kernel %1', environment.kernel)}
      </span>
    );
  }
  if (environment.lock_path !== null) {
    facts.push(
      <span key="packages" className="jp-mlx-EnvironmentRow-packages">
        {trans._n('%1 package', '%1 packages', environment.packages)}
      </span>
    );
  }
  const installed = time(environment.installed_at);
  const locked = time(environment.locked_at);
  if (installed !== null && environment.state === 'ready') {
    facts.push(
      <span key="installed" title={new Date(installed).toLocaleString()}>
        {trans.__('installed %1', formatRelative(installed, now))}
      </span>
    );
  } else if (locked !== null) {
    facts.push(
      <span key="locked" title={new Date(locked).toLocaleString()}>
        {trans.__('locked %1', formatRelative(locked, now))}
      </span>
    );
  }
  return <>{facts}</>;
}

/**
 * The link showing or hiding an environment's log.
 */
function LogToggle(props: {
  shown: boolean;
  hideable: boolean;
  onShow: () => void;
  onHide: () => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { shown, trans } = props;
  if (shown && !props.hideable) {
    return null;
  }
  return (
    <button
      type="button"
      className="jp-mlx-LinkButton jp-mlx-EnvironmentRow-logToggle"
      onClick={shown ? props.onHide : props.onShow}
      aria-expanded={shown}
    >
      {shown ? trans.__('Hide log') : trans.__('Show log')}
    </button>
  );
}

/**
 * The spec lines changed since the lock, as a small diff.
 */
function StaleLines(props: {
  name: string;
  lines: ReadonlyArray<IStaleLine>;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <ul
      className="jp-mlx-StaleLines"
      aria-label={trans.__(
        'Spec lines of %1 changed since the lock',
        props.name
      )}
    >
      {props.lines.map((line, index) => (
        <li
          key={`${index}:${line.change}:${line.line}`}
          className={`jp-mlx-StaleLines-line jp-mod-${line.change}`}
          title={
            line.change === 'added'
              ? trans.__('Added since the lock')
              : trans.__('Removed since the lock')
          }
        >
          <span
            className="jp-mlx-StaleLines-sign"
            role="img"
            aria-label={
              line.change === 'added' ? trans.__('added') : trans.__('removed')
            }
          >
            {line.change === 'added' ? '+' : '−'}
          </span>
          <span className="jp-mlx-StaleLines-text">{line.line}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * How far an install has got: a bar (indeterminate while the number of
 * steps is unknown) and its phase in words.
 */
function InstallProgress(props: {
  name: string;
  progress: IInstallProgress | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { progress, trans } = props;
  const known = progress !== null && progress.total > 0;
  const phase = progress?.phase || trans.__('starting');
  const text = known
    ? trans.__('%1: %2 of %3', phase, progress.done, progress.total)
    : phase;
  return (
    <div className="jp-mlx-InstallProgress">
      <progress
        className="jp-mlx-InstallProgress-bar"
        aria-label={trans.__('Install progress of %1', props.name)}
        aria-valuetext={text}
        {...(known
          ? {
              value: Math.min(progress.done, progress.total),
              max: progress.total
            }
          : {})}
      />
      <span className="jp-mlx-InstallProgress-text">{text}</span>
    </div>
  );
}

/**
 * The specs found that cannot be read, each with why; a spec opens in the
 * editor.
 */
function SpecProblems(props: {
  problems: ReadonlyArray<ISpecProblem>;
  onOpenPath: (path: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const title = trans.__('Specs that cannot be read');
  return (
    <section className="jp-mlx-SpecProblems" aria-label={title}>
      <h3 className="jp-mlx-EnvironmentsList-heading">{title}</h3>
      <ul role="list" className="jp-mlx-List-items">
        {props.problems.map(problem => (
          <li
            key={problem.spec_path}
            role="listitem"
            className="jp-mlx-SpecProblems-item"
          >
            <button
              type="button"
              className="jp-mlx-LinkButton jp-mlx-SpecProblems-path"
              onClick={() => props.onOpenPath(problem.spec_path)}
              title={trans.__('Open %1 in the editor', problem.spec_path)}
            >
              {problem.spec_path}
            </button>
            <span className="jp-mlx-SpecProblems-message">
              {problem.message}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * What is being done to an environment, in words.
 */
function busyLabel(
  action: EnvironmentAction,
  trans: TranslationBundle
): string {
  switch (action) {
    case 'locking':
      return trans.__('Locking…');
    case 'installing':
      return trans.__('Starting the install…');
    default:
      return trans.__('Removing…');
  }
}

/**
 * Milliseconds since the epoch of an ISO 8601 datetime, or `null`.
 */
function time(iso: string | null): number | null {
  if (!iso) {
    return null;
  }
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? null : parsed;
}
