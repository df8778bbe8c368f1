import { nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';

import type { IJobRun } from '../../../api/types';
import { JobFormState } from '../../../jobs/state/form';
import {
  makeAPIError,
  makeClient,
  makeJobRun,
  makeNotebookParameters
} from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('JobFormState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    client = makeClient();
    client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
    state = new JobFormState({ client, path: 'work/train.ipynb', trans });
    await state.load();
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
