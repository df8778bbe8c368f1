import { Notification, showDialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { MLXResponseError } from '../../api/request';
import { checkServer, reportHandshake } from '../../core/handshake';
import type { IMLXClient } from '../../tokens';
import { makeConfig } from '../fixtures';

jest.mock('@jupyterlab/apputils', () => {
  const actual = jest.requireActual('@jupyterlab/apputils');
  return {
    ...actual,
    showDialog: jest.fn().mockResolvedValue({ button: { accept: true } }),
    Notification: { ...actual.Notification, warning: jest.fn() }
  };
});

const trans = nullTranslator.load('jupyter_mlx');

function clientAnswering(answer: () => Promise<never> | Promise<unknown>) {
  return { getConfig: jest.fn(answer) } as unknown as IMLXClient;
}

async function startUp(client: IMLXClient, frontendVersion = '0.1.0') {
  await reportHandshake(await checkServer(client, frontendVersion), trans);
}

describe('start-up handshake', () => {
  beforeEach(() => {
    jest.mocked(showDialog).mockClear();
    jest.mocked(Notification.warning).mockClear();
  });

  it('explains how to enable the server extension when the API answers 404', async () => {
    const client = clientAnswering(() =>
      Promise.reject(
        new MLXResponseError(
          new Response('Not Found', { status: 404, statusText: 'Not Found' })
        )
      )
    );

    await startUp(client);

    expect(showDialog).toHaveBeenCalledTimes(1);
    const options = jest.mocked(showDialog).mock.calls[0][0]!;
    expect(options.title).toBe('MLX server extension not found');
    expect(options.body).toContain(
      'jupyter server extension enable jupyter_mlx'
    );
    expect(options.body).toContain('restart the server');
    expect(Notification.warning).not.toHaveBeenCalled();
  });

  it('warns once when the server version differs from the front-end version', async () => {
    const client = clientAnswering(() =>
      Promise.resolve(makeConfig({ version: '0.2.0' }))
    );

    await startUp(client, '0.1.0');

    expect(Notification.warning).toHaveBeenCalledTimes(1);
    const message = jest.mocked(Notification.warning).mock.calls[0][0];
    expect(message).toContain('server extension is version 0.2.0');
    expect(message).toContain('JupyterLab extension is version 0.1.0');
    expect(showDialog).not.toHaveBeenCalled();
  });

  it('says nothing when both versions match', async () => {
    const client = clientAnswering(() => Promise.resolve(makeConfig()));

    await startUp(client, '0.1.0');

    expect(showDialog).not.toHaveBeenCalled();
    expect(Notification.warning).not.toHaveBeenCalled();
  });

  it('leaves other server errors to the status section', async () => {
    const error = new MLXResponseError(new Response(null, { status: 503 }), {
      message: 'Job store unavailable',
      code: 'unavailable',
      field: null
    });
    const client = clientAnswering(() => Promise.reject(error));

    const handshake = await checkServer(client, '0.1.0');
    await reportHandshake(handshake, trans);

    expect(handshake).toEqual({ kind: 'failed', error });
    expect(showDialog).not.toHaveBeenCalled();
    expect(Notification.warning).not.toHaveBeenCalled();
  });
});
