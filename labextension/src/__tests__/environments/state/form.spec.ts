import { nullTranslator } from '@jupyterlab/translation';

import { EnvironmentFormState } from '../../../environments/state/form';
import { makeAPIError } from '../../fixtures';
import { makeEnvironment, makeEnvironmentsClient } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('EnvironmentFormState', () => {
  let client: ReturnType<typeof makeEnvironmentsClient>;
  let form: EnvironmentFormState;

  beforeEach(() => {
    client = makeEnvironmentsClient();
    form = new EnvironmentFormState({ client, trans });
  });

  afterEach(() => {
    form.dispose();
  });

  it('shows its own errors only once submitted, and sends nothing then', async () => {
    form.set('name', '-bad');
    expect(form.errors).toEqual({});

    expect(await form.submit('fields')).toBeNull();

    expect(form.errors.name).toMatch(/starting with a letter or a digit/);
    expect(form.errors.dependencies).toBe('List at least one dependency.');
    expect(client.createEnvironment).not.toHaveBeenCalled();
  });

  it('sends the fields, one item a line', async () => {
    client.createEnvironment.mockResolvedValue(
      makeEnvironment({ state: 'declared' })
    );
    form.set('name', ' train ');
    form.set('channels', 'conda-forge\nfile:///srv/channel\n');
    form.set('dependencies', 'python=3.12\n\nipykernel');
    form.set('pip', 'mlflow');

    const created = await form.submit('fields');

    expect(client.createEnvironment).toHaveBeenCalledWith({
      name: 'train',
      flavour: 'conda',
      channels: ['conda-forge', 'file:///srv/channel'],
      dependencies: ['python=3.12', 'ipykernel'],
      pip: ['mlflow']
    });
    expect(created?.mode).toBe('fields');
    expect(form.created?.environment.name).toBe('train');
  });

  it('sends a pip spec without channels or a pip section', () => {
    form.set('name', 'web');
    form.set('flavour', 'pip');
    form.set('channels', 'ignored');
    form.set('dependencies', 'httpx');

    expect(form.request('fields')).toEqual({
      name: 'web',
      flavour: 'pip',
      dependencies: ['httpx']
    });
  });

  it('writes a file from the template, needing only a name', async () => {
    client.createEnvironment.mockResolvedValue(makeEnvironment());
    form.set('name', 'train');

    const created = await form.submit('file');

    expect(created?.mode).toBe('file');
    const request = client.createEnvironment.mock.calls[0][0];
    expect(request).toEqual({
      name: 'train',
      flavour: 'conda',
      content: expect.stringContaining('name: train\nchannels:\n')
    });
  });

  it("shows the server's error beside the field it names until that field changes", async () => {
    // Given a spec the server refuses for one of its dependencies
    client.createEnvironment.mockRejectedValueOnce(
      makeAPIError(
        400,
        "dependencies.1: 'nump y' is not a match spec",
        'dependencies.1'
      )
    );
    form.set('name', 'train');
    form.set('dependencies', 'python\nnump y');

    // When it is submitted
    expect(await form.submit('fields')).toBeNull();

    // Then the message shows beside the dependencies, and nowhere else
    expect(form.errors).toEqual({
      dependencies: "dependencies.1: 'nump y' is not a match spec"
    });
    expect(form.message).toBeNull();

    // And it goes once the dependencies change
    form.set('dependencies', 'python\nnumpy');
    expect(form.errors).toEqual({});
  });

  it('shows a refusal about no field of the form as its message', async () => {
    client.createEnvironment.mockRejectedValueOnce(
      makeAPIError(409, 'envs/train/environment.yml exists', 'folder')
    );
    form.set('name', 'train');

    await form.submit('file');

    expect(form.message).toBe('envs/train/environment.yml exists');
    expect(form.errors).toEqual({});
  });
});
