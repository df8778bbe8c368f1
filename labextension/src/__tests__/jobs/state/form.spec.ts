import { nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';

import type { IJobRun } from '../../../api/types';
import { JobFormState } from '../../../jobs/state/form';
import {
  loadJobForm,
  makeAPIError,
  makeClient,
  makeJobDefinition,
  makeJobRun,
  makeNotebookParameters,
  makeSweep
} from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('JobFormState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    ({ client, state } = await loadJobForm());
  });

  afterEach(() => {
    state.dispose();
  });

  it('reads the notebook’s parameters into the draft', () => {
    expect(client.getNotebookParameters).toHaveBeenCalledWith(
      'work/train.ipynb'
    );
    expect(state.parameters?.parameters).toHaveLength(7);
    expect(state.draft?.parameters['epochs']).toBe('5');
    expect(state.errors).toEqual({});
  });

  it('reports parameters that cannot be read', async () => {
    client.getNotebookParameters.mockRejectedValue(
      makeAPIError(404, "No notebook 'gone.ipynb'", 'path')
    );
    const missing = new JobFormState({ client, path: 'gone.ipynb', trans });

    await missing.load();

    expect(missing.loadError).toBe("No notebook 'gone.ipynb'");
    expect(missing.draft).toBeNull();
    expect(await missing.submit()).toBeNull();
    missing.dispose();
  });

  it('shows a field’s error once it was edited', () => {
    const changed = jest.fn();
    state.changed.connect(changed);

    state.setParameter('epochs', '2.5');

    expect(changed).toHaveBeenCalled();
    expect(state.errors).toEqual({
      'parameters.epochs': 'expected an integer'
    });
    state.setParameter('epochs', '3');
    expect(state.errors).toEqual({});
  });

  it('blocks a submit with errors and shows every error', async () => {
    // Given a wrong field the user never touched (the browser could not
    // read the number typed) and a wrong option
    state.setOption('retries', '12');
    state.setParameter('lr', '', true);
    state.setParameter('lr', '', true);

    // When the form is submitted
    const run = await state.submit();

    // Then nothing is sent and each error shows beside its field
    expect(run).toBeNull();
    expect(client.createJobRun).not.toHaveBeenCalled();
    expect(state.errors).toEqual({
      'parameters.lr': 'expected a number',
      retries: 'expected a whole number from 0 to 10'
    });
  });

  it('creates the run with the changed values and an idempotency key', async () => {
    const created = makeJobRun({ status: 'queued' });
    client.createJobRun.mockResolvedValue(created);
    state.setParameter('epochs', '20');
    state.setOption('html', true);

    const result = await state.submit();

    expect(result).toEqual({ kind: 'run', run: created });
    expect(state.created).toBe(result);
    const request = client.createJobRun.mock.calls[0][0];
    expect(request).toMatchObject({
      notebook: 'work/train.ipynb',
      parameters: { epochs: 20 },
      output_formats: ['ipynb', 'html']
    });
    expect(request.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.submitting).toBe(false);
  });

  it('keeps the idempotency key for the same request, and changes it for another', async () => {
    client.createJobRun.mockRejectedValue(new Error('Network down'));

    await state.submit();
    await state.submit();
    state.setParameter('epochs', '7');
    await state.submit();

    const keys = client.createJobRun.mock.calls.map(
      call => call[0].idempotency_key
    );
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(state.message).toBe('Network down');
  });

  it.each([
    ['parameters.epochs', 'parameters.epochs'],
    ['timeout', 'timeout'],
    ['kernel', 'kernel'],
    ['notebook', 'notebook']
  ])(
    'shows a 400 naming %s beside its field, not closing',
    async (field, shown) => {
      client.createJobRun.mockRejectedValue(
        makeAPIError(400, 'The server says no', field)
      );

      expect(await state.submit()).toBeNull();

      expect(state.errors).toEqual({ [shown]: 'The server says no' });
      expect(state.message).toBeNull();
      expect(state.created).toBeNull();
    }
  );

  it('clears the server’s error about a field once it changes', async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(400, "epochs: expected an int, got 'x'", 'parameters.epochs')
    );
    await state.submit();
    expect(state.errors['parameters.epochs']).toBeDefined();

    state.setParameter('epochs', '8');

    expect(state.errors).toEqual({});
  });

  it('shows other refusals as the form’s message', async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(409, 'The notebook changed while it was copied')
    );

    await state.submit();

    expect(state.message).toBe('The notebook changed while it was copied');
    expect(state.errors).toEqual({});
  });

  it('submits once at a time', async () => {
    const pending = new PromiseDelegate<IJobRun>();
    client.createJobRun.mockReturnValue(pending.promise);

    const first = state.submit();
    expect(state.submitting).toBe(true);
    expect(await state.submit()).toBeNull();
    pending.resolve(makeJobRun());
    await first;

    expect(client.createJobRun).toHaveBeenCalledTimes(1);
  });
});

describe('JobFormState with a swept parameter', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    ({ client, state } = await loadJobForm());
  });

  afterEach(() => {
    state.dispose();
  });

  it('switches a parameter to sweep mode and back, keeping both drafts', () => {
    state.setParameter('epochs', '7');

    state.toggleSweep('epochs');
    expect(state.sweeping).toBe(true);
    expect(state.sweep?.parameters['epochs']).toMatchObject({
      swept: true,
      values: '7'
    });
    state.setSweptParameter('epochs', { values: '7, 14, 21' });
    expect(state.gridSize).toBe(3);

    state.toggleSweep('epochs');
    expect(state.sweeping).toBe(false);
    expect(state.draft?.parameters['epochs']).toBe('7');
    state.toggleSweep('epochs');
    expect(state.sweep?.parameters['epochs'].values).toBe('7, 14, 21');
  });

  it('starts a sweep with the fixed values under base', async () => {
    const started = makeSweep();
    client.createSweep.mockResolvedValue(started);
    state.setParameter('epochs', '20');
    state.toggleSweep('lr');
    state.setSweptParameter('lr', { values: '0.1, 0.01' });
    state.setSweepOption('metric', 'loss');

    const result = await state.submit();

    expect(result).toEqual({ kind: 'sweep', sweep: started });
    expect(client.createJobRun).not.toHaveBeenCalled();
    expect(client.createSweep.mock.calls[0][0]).toMatchObject({
      notebook: 'work/train.ipynb',
      parameters: { lr: { values: [0.1, 0.01] } },
      metric: 'loss',
      base: { parameters: { epochs: 20 } }
    });
  });

  it.each([
    ['parameters.lr', 'parameters.lr'],
    ['base.parameters.epochs', 'parameters.epochs'],
    ['base.timeout', 'timeout'],
    ['metric', 'sweep.metric'],
    ['parameters', 'sweep.parameters']
  ])('shows a 400 naming %s beside %s', async (field, shown) => {
    client.createSweep.mockRejectedValue(
      makeAPIError(400, 'The server says no', field)
    );
    state.toggleSweep('lr');

    expect(await state.submit()).toBeNull();

    expect(state.errors).toEqual({ [shown]: 'The server says no' });
  });
});

describe('JobFormState scheduling', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    jest.useFakeTimers();
    client = makeClient();
    client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
    client.previewSchedule.mockResolvedValue({
      cron: '0 9 * * *',
      tz: 'UTC',
      description: 'At 09:00 AM',
      next_fire_times: ['2024-05-02T09:00:00+00:00']
    });
  });

  afterEach(() => {
    state.dispose();
    jest.useRealTimers();
  });

  async function open(
    definition: ReturnType<typeof makeJobDefinition> | null = null
  ): Promise<void> {
    state = new JobFormState({
      client,
      path: 'work/train.ipynb',
      scheduling: true,
      definition,
      trans
    });
    await state.load();
    await jest.advanceTimersByTimeAsync(300);
  }

  it('previews the schedule as it is typed', async () => {
    await open();
    expect(state.schedule?.preset).toBe('day');
    expect(state.preview?.preview?.description).toBe('At 09:00 AM');

    state.setSchedule('preset', 'weekdays');
    state.setSchedule('time', '06:15');
    state.setSchedule('timezone', 'Europe/Paris');
    await jest.advanceTimersByTimeAsync(300);

    expect(client.previewSchedule).toHaveBeenLastCalledWith({
      cron: '15 6 * * 1-5',
      tz: 'Europe/Paris',
      count: 5
    });
    expect(client.previewSchedule).toHaveBeenCalledTimes(2);
  });

  it('shows the preview’s refusal of an expression beside the cron field', async () => {
    await open();
    client.previewSchedule.mockRejectedValue(
      makeAPIError(400, "Invalid cron expression: '61 * * * *'", 'cron')
    );

    state.setSchedule('preset', 'custom');
    state.setSchedule('cron', '61 * * * *');
    await jest.advanceTimersByTimeAsync(300);

    expect(state.errors).toEqual({
      cron: "Invalid cron expression: '61 * * * *'"
    });
  });

  it('creates the definition, or shows the server’s 400 beside its field', async () => {
    await open();
    state.setSchedule('name', 'nightly');
    client.createJob.mockRejectedValueOnce(
      makeAPIError(400, "Unknown time zone 'Mars/Olympus'", 'timezone')
    );
    expect(await state.submit()).toBeNull();
    expect(state.errors['timezone']).toBe("Unknown time zone 'Mars/Olympus'");

    const created = makeJobDefinition();
    client.createJob.mockResolvedValueOnce(created);
    state.setSchedule('timezone', 'Europe/Paris');
    const result = await state.submit();

    expect(result).toEqual({ kind: 'job', job: created });
    expect(client.createJob.mock.calls[1][0]).toMatchObject({
      notebook: 'work/train.ipynb',
      name: 'nightly',
      cron: '0 9 * * *',
      timezone: 'Europe/Paris',
      sweep: null
    });
  });

  it('edits a definition, sending what changed', async () => {
    const definition = makeJobDefinition({ notify: true });
    await open(definition);
    expect(state.schedule?.name).toBe('nightly');
    expect(state.draft?.parameters['epochs']).toBe('10');
    client.updateJob.mockResolvedValue({ ...definition, notify: false });

    state.setSchedule('notify', false);
    const result = await state.submit();

    expect(client.updateJob).toHaveBeenCalledWith('job-1', { notify: false });
    expect(result?.kind).toBe('job');
  });
});
