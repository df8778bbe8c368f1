import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useId, useMemo } from 'react';

import type {
  CatchupPolicy,
  ISchedulePreview,
  WebhookEvent
} from '../../api/types';
import { MAX_CONCURRENT_RUNS, type FormErrors } from '../form';
import {
  CATCHUP_POLICIES,
  type IScheduleDraft,
  SCHEDULE_PRESETS,
  type SchedulePreset,
  WEBHOOK_EVENTS,
  browserTimeZone,
  formatFireTime,
  presetCron,
  timeZones
} from '../schedule';
import { baseName } from '../status';
import {
  ChoiceOption,
  FieldError,
  NumberOption,
  OptionField,
  TextOption
} from './form-fields';

/**
 * The zone a schedule is read in when none is given (the server's default).
 */
const FALLBACK_ZONE = 'UTC';

/**
 * The start of a webhook URL.
 */
const URL_PLACEHOLDER = 'https://';

/**
 * The presets that fire at a time of day.
 */
const TIMED_PRESETS: ReadonlyArray<SchedulePreset> = [
  'day',
  'weekdays',
  'week',
  'month'
];

/**
 * The translated name of a schedule preset.
 */
export function presetLabel(
  preset: SchedulePreset,
  trans: TranslationBundle
): string {
  switch (preset) {
    case 'minute':
      return trans.__('Every minute');
    case 'hour':
      return trans.__('Every hour');
    case 'day':
      return trans.__('Every day at a time');
    case 'weekdays':
      return trans.__('Weekdays at a time');
    case 'week':
      return trans.__('Every week on a day at a time');
    case 'month':
      return trans.__('Every month on a day at a time');
    case 'custom':
      return trans.__('Custom cron expression');
    default:
      return trans.__('On demand (no schedule)');
  }
}

/**
 * The translated name of a catch-up policy.
 */
export function catchupLabel(
  policy: CatchupPolicy,
  trans: TranslationBundle
): string {
  switch (policy) {
    case 'none':
      return trans.__('Skip the missed runs');
    case 'latest':
      return trans.__('Run the latest missed run');
    default:
      return trans.__('Run every missed run (capped)');
  }
}

/**
 * The translated name of a webhook event.
 */
function eventLabel(event: WebhookEvent, trans: TranslationBundle): string {
  return event === 'success' ? trans.__('Success') : trans.__('Failure');
}

/**
 * The days of the week, Sunday first (cron's 0), in the user's language.
 */
function weekdayNames(): string[] {
  // 7 January 2024 was a Sunday.
  return [0, 1, 2, 3, 4, 5, 6].map(day =>
    new Date(Date.UTC(2024, 0, 7 + day)).toLocaleDateString(undefined, {
      weekday: 'long',
      timeZone: 'UTC'
    })
  );
}

/**
 * Properties of the schedule part of the Schedule form.
 */
export interface IScheduleFieldsProps {
  /**
   * Server path of the notebook (its file name is the default name).
   */
  path: string;
  /**
   * The schedule typed.
   */
  schedule: IScheduleDraft;
  /**
   * The schedule's description and next fire times, or `null`.
   */
  preview: ISchedulePreview | null;
  /**
   * Whether the preview is awaited.
   */
  previewLoading: boolean;
  /**
   * Why the preview failed, when no field is at fault; or `null`.
   */
  previewError: string | null;
  /**
   * The errors to show, by wire field name.
   */
  errors: FormErrors;
  /**
   * Change the schedule.
   */
  onSchedule: <K extends keyof IScheduleDraft>(
    key: K,
    value: IScheduleDraft[K]
  ) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The schedule of a definition: its name; a preset (with its time and day)
 * or a cron expression, which it shows in words with its next five fire
 * times in the chosen time zone; the catch-up policy, the runs at once,
 * whether to notify, and a webhook.
 */
export function ScheduleFields(props: IScheduleFieldsProps): JSX.Element {
  const { schedule, errors, onSchedule, trans } = props;
  const zonesId = useId();
  const zones = useMemo(timeZones, []);
  const weekdays = useMemo(weekdayNames, []);
  const preset = schedule.preset;
  const scheduled = preset !== 'none';
  return (
    <fieldset className="jp-mlx-JobForm-schedule">
      <legend>{trans.__('Schedule')}</legend>
      <TextOption
        field="name"
        label={trans.__('Name')}
        error={errors['name']}
        placeholder={baseName(props.path)}
        value={schedule.name}
        onChange={value => onSchedule('name', value)}
      />
      <ChoiceOption
        field="preset"
        label={trans.__('Schedule')}
        error={undefined}
        value={preset}
        choices={SCHEDULE_PRESETS.map(value => ({
          value,
          label: presetLabel(value, trans)
        }))}
        onChange={value => onSchedule('preset', value)}
      />
      {TIMED_PRESETS.includes(preset) && (
        <OptionField field="time" label={trans.__('Time')} error={undefined}>
          {(id, describedBy) => (
            <input
              id={id}
              type="time"
              className="jp-mlx-JobForm-input"
              value={schedule.time}
              aria-describedby={describedBy}
              onChange={event => onSchedule('time', event.target.value)}
            />
          )}
        </OptionField>
      )}
      {preset === 'week' && (
        <ChoiceOption
          field="weekday"
          label={trans.__('Day of the week')}
          error={undefined}
          value={schedule.weekday}
          choices={weekdays.map((label, day) => ({
            value: String(day),
            label
          }))}
          onChange={value => onSchedule('weekday', value)}
        />
      )}
      {preset === 'month' && (
        <NumberOption
          field="month_day"
          label={trans.__('Day of the month')}
          hint={trans.__('Months without this day are skipped.')}
          error={undefined}
          min={1}
          max={31}
          integer
          placeholder="1"
          value={schedule.monthDay}
          onChange={event => onSchedule('monthDay', event.target.value)}
        />
      )}
      {scheduled && (
        <TextOption
          field="cron"
          label={trans.__('Cron expression')}
          hint={
            preset === 'custom'
              ? trans.__(
                  'Five fields: minute, hour, day of month, month, day of week.'
                )
              : trans.__('The expression of this preset; edit it to customise.')
          }
          error={errors['cron']}
          placeholder="0 6 * * 1-5"
          value={presetCron(schedule) ?? ''}
          onChange={value => {
            onSchedule('cron', value);
            onSchedule('preset', 'custom');
          }}
        />
      )}
      {scheduled && (
        <SchedulePreviewNote
          preview={props.preview}
          loading={props.previewLoading}
          error={props.previewError}
          timeZone={schedule.timezone}
          trans={trans}
        />
      )}
      {scheduled && (
        <TextOption
          field="timezone"
          label={trans.__('Time zone')}
          hint={trans.__(
            'An IANA name, e.g. Europe/Paris; this browser’s is %1.',
            browserTimeZone()
          )}
          error={errors['timezone']}
          list={zones.length > 0 ? zonesId : undefined}
          placeholder={FALLBACK_ZONE}
          value={schedule.timezone}
          onChange={value => onSchedule('timezone', value)}
        />
      )}
      {zones.length > 0 && (
        <datalist id={zonesId}>
          {zones.map(zone => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      )}
      {scheduled && (
        <ChoiceOption
          field="catchup"
          label={trans.__('Catch-up')}
          hint={trans.__(
            'What to do with the runs missed while the server was down.'
          )}
          error={errors['catchup']}
          value={schedule.catchup}
          choices={CATCHUP_POLICIES.map(value => ({
            value,
            label: catchupLabel(value, trans)
          }))}
          onChange={value => onSchedule('catchup', value)}
        />
      )}
      <NumberOption
        field="max_concurrent_runs"
        label={trans.__('Max concurrent runs')}
        hint={trans.__(
          'Runs of this schedule executing at once, 1 to %1; a fire beyond waits.',
          MAX_CONCURRENT_RUNS
        )}
        error={errors['max_concurrent_runs']}
        min={1}
        max={MAX_CONCURRENT_RUNS}
        integer
        placeholder="1"
        value={schedule.maxConcurrent}
        onChange={event => onSchedule('maxConcurrent', event.target.value)}
      />
      <OptionField
        field="notify"
        label={trans.__('Notify on failure and recovery')}
        error={errors['notify']}
      >
        {id => (
          <input
            id={id}
            type="checkbox"
            className="jp-mlx-JobForm-checkbox"
            checked={schedule.notify}
            onChange={event => onSchedule('notify', event.target.checked)}
          />
        )}
      </OptionField>
      <TextOption
        field="webhook_url"
        label={trans.__('Webhook URL')}
        hint={trans.__('Optional: told of each run’s end with a JSON POST.')}
        error={errors['webhook_url']}
        placeholder={URL_PLACEHOLDER}
        value={schedule.webhookUrl}
        onChange={value => onSchedule('webhookUrl', value)}
      />
      {schedule.webhookUrl.trim() !== '' && (
        <div className="jp-mlx-JobForm-field" data-field="webhook_events">
          <span className="jp-mlx-JobForm-label">
            <span className="jp-mlx-JobForm-name">
              {trans.__('Webhook events')}
            </span>
          </span>
          <div className="jp-mlx-JobForm-formats">
            {WEBHOOK_EVENTS.map(event => (
              <label key={event}>
                <input
                  type="checkbox"
                  checked={schedule.webhookEvents.includes(event)}
                  onChange={changed =>
                    onSchedule(
                      'webhookEvents',
                      changed.target.checked
                        ? [...schedule.webhookEvents, event]
                        : schedule.webhookEvents.filter(e => e !== event)
                    )
                  }
                />
                {eventLabel(event, trans)}
              </label>
            ))}
          </div>
          <FieldError error={errors['webhook_events']} />
        </div>
      )}
    </fieldset>
  );
}

/**
 * A schedule in words and its next fire times, in its time zone.
 */
function SchedulePreviewNote(props: {
  preview: ISchedulePreview | null;
  loading: boolean;
  error: string | null;
  timeZone: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { preview, trans } = props;
  return (
    <div className="jp-mlx-SchedulePreview" aria-live="polite">
      {props.error !== null && (
        <p className="jp-mlx-ErrorNote">
          {trans.__('Cannot preview the schedule: %1', props.error)}
        </p>
      )}
      {preview === null ? (
        props.loading && (
          <p className="jp-mlx-Note">{trans.__('Reading the schedule…')}</p>
        )
      ) : (
        <>
          <p className="jp-mlx-SchedulePreview-description">
            {preview.description}
          </p>
          <ol
            className="jp-mlx-SchedulePreview-times"
            aria-label={trans.__('Next fire times')}
          >
            {preview.next_fire_times.map(time => (
              <li key={time}>
                <time dateTime={time}>
                  {formatFireTime(time, preview.tz || props.timeZone)}
                </time>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
