import { describeInvocation } from '../../api/client';
import {
  compactJSON,
  curlCommand,
  defaultEndpointName,
  ENDPOINT_NAME_PATTERN,
  shellQuote
} from '../../serving/endpoint';

describe('defaultEndpointName', () => {
  it.each([
    ['models:/churn@champion', 'churn'],
    ['models:/churn/3', 'churn'],
    ['runs:/abc123/model', 'model'],
    ['models:/my model@prod', 'my-model'],
    ['/srv/models/_private', 'private'],
    ['', 'model']
  ])('names an endpoint serving %s %s', (uri, name) => {
    expect(defaultEndpointName(uri)).toBe(name);
    expect(ENDPOINT_NAME_PATTERN.test(defaultEndpointName(uri))).toBe(true);
  });
});

describe('curlCommand', () => {
  it('posts the request on one line with a token placeholder', () => {
    const command = curlCommand(
      'http://localhost:8888/mlx/endpoints/churn/invocations',
      '{\n  "inputs": [[0.1, 0.2]]\n}'
    );

    expect(command).toBe(
      [
        "curl -X POST 'http://localhost:8888/mlx/endpoints/churn/invocations'",
        "  -H 'Authorization: token <TOKEN>'",
        "  -H 'Content-Type: application/json'",
        `  -d '{"inputs":[[0.1,0.2]]}'`
      ].join(' \\\n')
    );
  });

  it('quotes single quotes for the shell, and keeps text that is not JSON', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(compactJSON(' {oops ')).toBe('{oops');
  });
});

describe('describeInvocation', () => {
  it('reads the predictions of a 200', () => {
    const answer = describeInvocation(
      new Response(null, { status: 200 }),
      '{"predictions": [1, 0]}',
      4.5
    );

    expect(answer).toEqual({
      status: 200,
      ok: true,
      latency_ms: 4.5,
      body: { predictions: [1, 0] },
      error: null,
      code: null
    });
  });

  it("reads the scoring server's error and Jupyter's", () => {
    const scoring = describeInvocation(
      new Response(null, { status: 400 }),
      '{"error_code": "BAD_REQUEST", "message": "Missing column f1"}',
      2
    );
    const jupyter = describeInvocation(
      new Response(null, { status: 503 }),
      '{"message": "Endpoint churn is not running", "code": "unavailable"}',
      1
    );
    const html = describeInvocation(
      new Response(null, { status: 502, statusText: 'Bad Gateway' }),
      '<html>oops</html>',
      1
    );

    expect(scoring.error).toBe('Missing column f1');
    expect(scoring.code).toBe('BAD_REQUEST');
    expect(jupyter.error).toBe('Endpoint churn is not running');
    expect(jupyter.code).toBe('unavailable');
    expect(html.error).toBe('502 Bad Gateway');
    expect(html.body).toBe('<html>oops</html>');
  });
});
