import { nullTranslator } from '@jupyterlab/translation';

import { ServeFormState } from '../../serving/state/serve-form';
import { makeAPIError, makeClient } from '../fixtures';
import { makeEndpoint } from './endpoint-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('ServeFormState', () => {
  let client: ReturnType<typeof makeClient>;

  beforeEach(() => {
    client = makeClient();
  });

  it("proposes the model's name for the endpoint", () => {
    const state = new ServeFormState({
      client,
      trans,
      modelUri: 'models:/churn@champion'
    });

    expect(state.draft).toEqual({
      name: 'churn',
      model_uri: 'models:/churn@champion',
      port: ''
    });
  });

  it('creates the endpoint with a port when one is given', async () => {
    client.createEndpoint.mockResolvedValue(
      makeEndpoint({ state: 'starting' })
    );
    const state = new ServeFormState({
      client,
      trans,
      modelUri: 'models:/churn/3'
    });
    state.set('port', ' 8123 ');

    const created = await state.submit();

    expect(created?.state).toBe('starting');
    expect(client.createEndpoint).toHaveBeenCalledWith({
      name: 'churn',
      model_uri: 'models:/churn/3',
      port: 8123
    });
    expect(state.created).toBe(created);
  });

  it('refuses a bad name and port before asking the server', async () => {
    const state = new ServeFormState({
      client,
      trans,
      name: '-x',
      modelUri: ''
    });
    state.set('port', '70000');

    expect(await state.submit()).toBeNull();

    expect(Object.keys(state.errors).sort()).toEqual([
      'model_uri',
      'name',
      'port'
    ]);
    expect(client.createEndpoint).not.toHaveBeenCalled();
  });

  it("shows the server's refusal beside its field until the field changes", async () => {
    client.createEndpoint.mockRejectedValueOnce(
      makeAPIError(400, 'Port 8123 is in use', 'port')
    );
    const state = new ServeFormState({
      client,
      trans,
      modelUri: 'models:/churn/3'
    });
    state.set('port', '8123');

    expect(await state.submit()).toBeNull();
    expect(state.errors.port).toBe('Port 8123 is in use');

    state.set('port', '');
    expect(state.errors.port).toBeUndefined();
  });

  it('shows a taken name beside the name', async () => {
    client.createEndpoint.mockRejectedValueOnce(
      makeAPIError(409, 'Endpoint churn exists')
    );
    const state = new ServeFormState({
      client,
      trans,
      modelUri: 'models:/churn/3'
    });

    await state.submit();

    expect(state.errors.name).toBe('Endpoint churn exists');
    expect(state.message).toBeNull();
  });
});
