/**
 * The logic of the schedule part of the Schedule form, free of React and of
 * HTTP: presets and the cron expression each stands for, the time zones,
 * what the user typed and the definition fields it makes.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  CatchupPolicy,
  ICreateJobRequest,
  IJobDefinition,
  WebhookEvent
} from '../api/types';
import { type FormErrors, parseConcurrency } from './form';

/**
 * Longest definition name.
 */
const MAX_NAME_LENGTH = 200;

/**
 * How many fire times the form previews.
 */
export const PREVIEW_COUNT = 5;

/**
 * The wire names of the schedule's fields, as the form keys their errors.
 */
export const SCHEDULE_FIELDS = [
  'name',
  'cron',
  'timezone',
  'catchup',
  'max_concurrent_runs',
  'notify',
  'webhook_url',
  'webhook_events'
] as const;

/**
 * A way of giving a schedule: no schedule (run on demand), a preset, or a
 * cron expression typed by the user.
 */
export type SchedulePreset =
  'none' | 'minute' | 'hour' | 'day' | 'weekdays' | 'week' | 'month' | 'custom';

/**
 * Every preset, in the order the form offers them.
 */
export const SCHEDULE_PRESETS: ReadonlyArray<SchedulePreset> = [
  'minute',
  'hour',
  'day',
  'weekdays',
  'week',
  'month',
  'custom',
  'none'
];

/**
 * Every catch-up policy, in the order the form offers them.
 */
export const CATCHUP_POLICIES: ReadonlyArray<CatchupPolicy> = [
  'none',
  'latest',
  'all'
];

/**
 * Every webhook event, in the order the form offers them.
 */
export const WEBHOOK_EVENTS: ReadonlyArray<WebhookEvent> = [
  'success',
  'failure'
];

/**
 * What the user typed in the schedule part of the form.
 */
export interface IScheduleDraft {
  /**
   * The definition's name; `''` for the notebook's file name.
   */
  name: string;
  /**
   * The preset chosen.
   */
  preset: SchedulePreset;
  /**
   * The time of day of the day, weekday, week and month presets, `HH:MM`.
   */
  time: string;
  /**
   * The day of the week preset, `0` (Sunday) to `6`.
   */
  weekday: string;
  /**
   * The day of the month preset, `1` to `31`.
   */
  monthDay: string;
  /**
   * The cron expression of the custom preset.
   */
  cron: string;
  /**
   * The IANA time zone the schedule is read in.
   */
  timezone: string;
  /**
   * What the definition does with fires missed while no server ran.
   */
  catchup: CatchupPolicy;
  /**
   * Runs executing at once; `''` for one.
   */
  maxConcurrent: string;
  /**
   * Whether JupyterLab is notified when a run fails or recovers.
   */
  notify: boolean;
  /**
   * The URL told of run ends; `''` for none.
   */
  webhookUrl: string;
  /**
   * The run ends the webhook is told of.
   */
  webhookEvents: WebhookEvent[];
}

/**
 * The schedule fields of a definition request.
 */
export type ScheduleFields = Pick<
  ICreateJobRequest,
  | 'name'
  | 'cron'
  | 'timezone'
  | 'catchup'
  | 'max_concurrent_runs'
  | 'notify'
  | 'webhook_url'
  | 'webhook_events'
>;

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const WEBHOOK_URL = /^https?:\/\/\S+$/i;

/**
 * The cron expression a draft's preset stands for; `null` for no schedule.
 * The custom preset's is the expression typed, trimmed.
 */
export function presetCron(draft: IScheduleDraft): string | null {
  const match = TIME.exec(draft.time.trim());
  const [hour, minute] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  switch (draft.preset) {
    case 'none':
      return null;
    case 'minute':
      return '* * * * *';
    case 'hour':
      return '0 * * * *';
    case 'day':
      return `${minute} ${hour} * * *`;
    case 'weekdays':
      return `${minute} ${hour} * * 1-5`;
    case 'week':
      return `${minute} ${hour} * * ${draft.weekday}`;
    case 'month':
      return `${minute} ${hour} ${draft.monthDay} * *`;
    default:
      return draft.cron.trim();
  }
}

/**
 * The preset (and its time and day) a cron expression is, so that editing a
 * definition shows the preset it was made with; `custom` for any other
 * expression.
 */
export function presetOf(
  cron: string | null
): Pick<IScheduleDraft, 'preset' | 'time' | 'weekday' | 'monthDay'> {
  const fallback = { time: '09:00', weekday: '1', monthDay: '1' };
  if (cron === null) {
    return { preset: 'none', ...fallback };
  }
  const fields = cron.trim().split(/\s+/);
  if (fields.join(' ') === '* * * * *') {
    return { preset: 'minute', ...fallback };
  }
  if (fields.join(' ') === '0 * * * *') {
    return { preset: 'hour', ...fallback };
  }
  const [minute, hour, day, month, weekday] = fields;
  const number = (text: string | undefined, max: number): boolean =>
    text !== undefined && /^\d+$/.test(text) && Number(text) <= max;
  if (fields.length !== 5 || !number(minute, 59) || !number(hour, 23)) {
    return { preset: 'custom', ...fallback };
  }
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  const at = { ...fallback, time };
  if (month !== '*') {
    return { preset: 'custom', ...fallback };
  }
  if (day === '*' && weekday === '*') {
    return { preset: 'day', ...at };
  }
  if (day === '*' && weekday === '1-5') {
    return { preset: 'weekdays', ...at };
  }
  if (day === '*' && number(weekday, 6)) {
    return { preset: 'week', ...at, weekday: String(Number(weekday)) };
  }
  if (weekday === '*' && number(day, 31) && Number(day) >= 1) {
    return { preset: 'month', ...at, monthDay: String(Number(day)) };
  }
  return { preset: 'custom', ...fallback };
}

/**
 * The browser's IANA time zone, `UTC` when it does not tell.
 */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The IANA time zones the browser knows, to suggest; empty when it cannot
 * list them.
 */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & {
    supportedValuesOf?: (key: 'timeZone') => string[];
  };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * The schedule draft of a new definition (every day at 09:00 in the
 * browser's zone), or of a definition to edit.
 */
export function initialScheduleDraft(
  definition: IJobDefinition | null = null
): IScheduleDraft {
  if (definition === null) {
    return {
      name: '',
      ...presetOf('0 9 * * *'),
      cron: '0 9 * * *',
      timezone: browserTimeZone(),
      catchup: 'latest',
      maxConcurrent: '',
      notify: true,
      webhookUrl: '',
      webhookEvents: ['failure']
    };
  }
  return {
    name: definition.name,
    ...presetOf(definition.cron),
    cron: definition.cron ?? '',
    timezone: definition.timezone,
    catchup: definition.catchup,
    maxConcurrent:
      definition.max_concurrent_runs === 1
        ? ''
        : String(definition.max_concurrent_runs),
    notify: definition.notify,
    webhookUrl: definition.webhook_url ?? '',
    webhookEvents: [...definition.webhook_events]
  };
}

/**
 * The schedule fields a draft makes, or the errors that block them.
 *
 * @returns The fields and the errors, by wire field name; the fields are
 * only to be sent when there are no errors.
 */
export function buildSchedule(
  draft: IScheduleDraft,
  trans: TranslationBundle
): { schedule: ScheduleFields; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = draft.name.trim();
  if (name.length > MAX_NAME_LENGTH) {
    errors['name'] = trans.__('at most %1 characters', MAX_NAME_LENGTH);
  }
  const cron = presetCron(draft);
  if (['day', 'weekdays', 'week', 'month'].includes(draft.preset)) {
    if (!TIME.test(draft.time.trim())) {
      errors['cron'] = trans.__('expected a time of day as HH:MM');
    }
  } else if (cron !== null && cron.split(/\s+/).length !== 5) {
    errors['cron'] = trans.__(
      'expected five fields: minute, hour, day of month, month, day of week'
    );
  }
  const timezone = draft.timezone.trim();
  if (timezone === '') {
    errors['timezone'] = trans.__('expected a time zone, e.g. Europe/Paris');
  }
  const concurrency = parseConcurrency(draft.maxConcurrent, 1, trans);
  if (concurrency.kind === 'error') {
    errors['max_concurrent_runs'] = concurrency.message;
  }
  const url = draft.webhookUrl.trim();
  if (url !== '' && !WEBHOOK_URL.test(url)) {
    errors['webhook_url'] = trans.__('expected an http:// or https:// URL');
  }
  if (url !== '' && draft.webhookEvents.length === 0) {
    errors['webhook_events'] = trans.__(
      'choose the run endings the webhook is told of'
    );
  }
  return {
    schedule: {
      name: name || null,
      cron,
      timezone,
      catchup: draft.catchup,
      max_concurrent_runs: concurrency.kind === 'value' ? concurrency.value : 1,
      notify: draft.notify,
      webhook_url: url || null,
      webhook_events: WEBHOOK_EVENTS.filter(event =>
        draft.webhookEvents.includes(event)
      )
    },
    errors
  };
}

/**
 * A fire time as the user's locale writes it, in the schedule's zone (in
 * the browser's when the zone is one the browser does not know).
 */
export function formatFireTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short'
  };
  try {
    return date.toLocaleString(undefined, { ...options, timeZone });
  } catch {
    return date.toLocaleString(undefined, options);
  }
}
