import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  deleteIcon,
  editIcon,
  fastForwardIcon,
  fileUploadIcon,
  type LabIcon,
  pauseIcon,
  runIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IJobDefinition } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { formatRelative } from '../../shared/time';
import { baseName, parseTime } from '../status';
import { JobRunStrip } from './job-run-strip';
import { JobStatusLabel, formatTime } from './job-status';
import { RowAction } from './row-action';

/**
 * What the user can do with a job definition.
 */
export interface IJobDefinitionActions {
  /**
   * Run it now.
   */
  onTrigger: (definition: IJobDefinition) => void;
  /**
   * Stop firing its schedule.
   */
  onPause: (definition: IJobDefinition) => void;
  /**
   * Fire its schedule again.
   */
  onResume: (definition: IJobDefinition) => void;
  /**
   * Change it in the Schedule dialog.
   */
  onEdit: (definition: IJobDefinition) => void;
  /**
   * Take a new copy of its notebook.
   */
  onUpdateFromNotebook: (definition: IJobDefinition) => void;
  /**
   * Delete it (after asking whether to keep its runs).
   */
  onDelete: (definition: IJobDefinition) => void;
}

/**
 * The callbacks of a definition's actions, calling `actions` (and `remove`
 * to delete it).
 */
export function definitionActionsOf(
  actions: {
    trigger(definition: IJobDefinition): void;
    pause(definition: IJobDefinition): void;
    resume(definition: IJobDefinition): void;
    edit(definition: IJobDefinition): void;
    updateFromNotebook(definition: IJobDefinition): void;
  },
  remove: (definition: IJobDefinition) => void
): IJobDefinitionActions {
  return {
    onTrigger: definition => actions.trigger(definition),
    onPause: definition => actions.pause(definition),
    onResume: definition => actions.resume(definition),
    onEdit: definition => actions.edit(definition),
    onUpdateFromNotebook: definition => actions.updateFromNotebook(definition),
    onDelete: remove
  };
}

/**
 * A definition's schedule in words, or that it runs on demand.
 */
export function scheduleText(
  definition: IJobDefinition,
  trans: TranslationBundle
): string {
  return definition.cron === null
    ? trans.__('On demand')
    : (definition.schedule_description ?? definition.cron);
}

/**
 * When a definition fires next, relative (its date as the tooltip); why it
 * does not when it does not.
 */
export function NextFire(props: {
  definition: IJobDefinition;
  trans: TranslationBundle;
}): JSX.Element {
  const { definition, trans } = props;
  const next = parseTime(definition.next_fire_at);
  if (next === null) {
    return (
      <span className="jp-mlx-NextFire">
        {definition.cron === null
          ? trans.__('not scheduled')
          : trans.__('not firing while paused')}
      </span>
    );
  }
  return (
    <span
      className="jp-mlx-NextFire"
      title={formatTime(definition.next_fire_at)}
    >
      {trans.__('next %1', formatRelative(next, Date.now()))}
    </span>
  );
}

/**
 * Whether a definition is active or paused, as a badge.
 */
export function ActiveBadge(props: {
  definition: IJobDefinition;
  trans: TranslationBundle;
}): JSX.Element {
  const { definition, trans } = props;
  return (
    <span
      className={`jp-mlx-ActiveBadge ${definition.active ? 'jp-mod-active' : 'jp-mod-paused'}`}
    >
      {definition.active ? trans.__('Active') : trans.__('Paused')}
    </span>
  );
}

/**
 * The actions of a definition: run now, pause or resume, edit, update from
 * the notebook (pointed out when the notebook changed) and delete; as icons
 * in a list row (`compact`), as labelled buttons in its view.
 */
export function JobDefinitionButtons(
  props: IJobDefinitionActions & {
    definition: IJobDefinition;
    compact?: boolean;
    trans: TranslationBundle;
  }
): JSX.Element {
  const { definition, trans } = props;
  const changed = definition.notebook_changed;
  const button = (
    key: string,
    icon: LabIcon,
    label: string,
    title: string,
    onClick: (definition: IJobDefinition) => void,
    attention = false
  ): JSX.Element => {
    const className = `jp-mlx-JobDefinition-${key}${attention ? ' jp-mod-attention' : ''}`;
    return props.compact ? (
      <RowAction
        key={key}
        className={className}
        icon={icon}
        onClick={() => onClick(definition)}
        title={title}
        label={label}
      />
    ) : (
      <Button
        key={key}
        small
        className={className}
        onClick={() => onClick(definition)}
        title={title}
      >
        <icon.react tag="span" className="jp-mlx-Icon" />
        {label}
      </Button>
    );
  };
  return (
    <div className="jp-mlx-JobDefinition-actions">
      {button(
        'trigger',
        runIcon,
        trans.__('Run now'),
        trans.__('Run %1 now, whatever its schedule', definition.name),
        props.onTrigger
      )}
      {definition.active
        ? button(
            'pause',
            pauseIcon,
            trans.__('Pause'),
            trans.__('Stop firing the schedule of %1', definition.name),
            props.onPause
          )
        : button(
            'resume',
            fastForwardIcon,
            trans.__('Resume'),
            trans.__('Fire the schedule of %1 again', definition.name),
            props.onResume
          )}
      {button(
        'edit',
        editIcon,
        trans.__('Edit'),
        trans.__('Change the schedule and settings of %1', definition.name),
        props.onEdit
      )}
      {button(
        'update',
        fileUploadIcon,
        trans.__('Update from notebook'),
        changed
          ? trans.__(
              '%1 changed since this schedule copied it: take the new version',
              definition.notebook
            )
          : trans.__('Take a new copy of %1', definition.notebook),
        props.onUpdateFromNotebook,
        changed
      )}
      {button(
        'delete',
        deleteIcon,
        trans.__('Delete'),
        trans.__('Delete %1', definition.name),
        props.onDelete
      )}
    </div>
  );
}

/**
 * Properties of the definitions list.
 */
export interface IJobDefinitionsListProps extends IJobDefinitionActions {
  /**
   * The definitions, by name.
   */
  definitions: ReadonlyArray<IJobDefinition>;
  /**
   * Whether they have been fetched.
   */
  loaded: boolean;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * The definition to point out, or `null`.
   */
  highlighted: string | null;
  /**
   * Open a definition's view.
   */
  onOpen: (jobId: string) => void;
  /**
   * Open a run's view.
   */
  onOpenRun: (runId: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The job definitions ("Schedules"): each with its schedule, next fire,
 * state, last run, a strip of its recent runs and its actions.
 */
export function JobDefinitionsList(
  props: IJobDefinitionsListProps
): JSX.Element {
  const { definitions, trans } = props;
  return (
    <div className="jp-mlx-List jp-mlx-JobDefinitionsList">
      <h3 className="jp-mlx-JobsSection-heading">{trans.__('Schedules')}</h3>
      <ErrorNote error={props.error} />
      {definitions.length === 0 ? (
        props.loaded && (
          <p className="jp-mlx-Note">
            {trans.__(
              'No schedules yet. Schedule a notebook from its toolbar (Schedule) or its context menu in the file browser.'
            )}
          </p>
        )
      ) : (
        <ul
          role="list"
          className="jp-mlx-List-items"
          aria-label={trans.__('Schedules')}
        >
          {definitions.map(definition => (
            <JobDefinitionRow
              key={definition.id}
              {...props}
              definition={definition}
              highlighted={definition.id === props.highlighted}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * One definition of the list.
 */
function JobDefinitionRow(
  props: Omit<IJobDefinitionsListProps, 'highlighted'> & {
    definition: IJobDefinition;
    highlighted: boolean;
  }
): JSX.Element {
  const { definition, trans } = props;
  const last = definition.last_run;
  return (
    <li
      role="listitem"
      aria-label={definition.name}
      className={`jp-mlx-JobDefinitionRow${props.highlighted ? ' jp-mod-highlighted' : ''}`}
      data-job-id={definition.id}
      data-active={definition.active}
    >
      <div className="jp-mlx-JobDefinitionRow-head">
        <button
          type="button"
          className="jp-mlx-LinkButton jp-mlx-JobDefinitionRow-name"
          onClick={() => props.onOpen(definition.id)}
          title={trans.__('Open schedule %1', definition.name)}
        >
          {definition.name}
        </button>
        <ActiveBadge definition={definition} trans={trans} />
        <JobDefinitionButtons {...props} compact />
      </div>
      <div className="jp-mlx-JobDefinitionRow-meta">
        <span title={definition.notebook}>{baseName(definition.notebook)}</span>
        <span title={definition.cron ?? undefined}>
          {scheduleText(definition, trans)}
        </span>
        <NextFire definition={definition} trans={trans} />
      </div>
      <div className="jp-mlx-JobDefinitionRow-meta">
        {last === null ? (
          <span>{trans.__('no run yet')}</span>
        ) : (
          <JobStatusLabel status={last.status} trans={trans} />
        )}
        <JobRunStrip
          runs={definition.recent_runs}
          label={trans.__('Recent runs of %1', definition.name)}
          onOpen={props.onOpenRun}
          trans={trans}
        />
      </div>
    </li>
  );
}
