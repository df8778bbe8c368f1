import { specTemplate, splitLines, yamlScalar } from '../../environments/spec';

describe('splitLines', () => {
  it('keeps the non-empty lines, trimmed, without comments', () => {
    expect(
      splitLines(' numpy>=1.26 \n\n# a comment\nscipy  # pinned later\r\n')
    ).toEqual(['numpy>=1.26', 'scipy']);
  });
});

describe('yamlScalar', () => {
  it('writes match specs and channel URLs plain', () => {
    for (const text of [
      'numpy>=1.26',
      'python=3.12',
      'conda-forge',
      'file:///srv/channel',
      "pytorch[version='>=2']"
    ]) {
      expect(yamlScalar(text)).toBe(text);
    }
  });

  it('quotes what YAML would read as something else', () => {
    expect(yamlScalar('3.12')).toBe('"3.12"');
    expect(yamlScalar('yes')).toBe('"yes"');
    expect(yamlScalar('null')).toBe('"null"');
    expect(yamlScalar('a: b')).toBe('"a: b"');
    expect(yamlScalar('x #y')).toBe('"x #y"');
    expect(yamlScalar('*star')).toBe('"*star"');
    expect(yamlScalar('-e .')).toBe('"-e ."');
  });
});

describe('specTemplate', () => {
  it('writes an environment.yml, with a starting point for empty lists', () => {
    expect(
      specTemplate({
        name: 'train',
        flavour: 'conda',
        channels: [],
        dependencies: [],
        pip: []
      })
    ).toBe(
      [
        'name: train',
        'channels:',
        '  - conda-forge',
        'dependencies:',
        '  - python',
        '  - ipykernel',
        ''
      ].join('\n')
    );
  });

  it('adds pip and its section for pip requirements', () => {
    expect(
      specTemplate({
        name: 'train',
        flavour: 'conda',
        channels: ['file:///srv/channel'],
        dependencies: ['python=3.12'],
        pip: ['mlflow==2.17']
      })
    ).toBe(
      [
        'name: train',
        'channels:',
        '  - file:///srv/channel',
        'dependencies:',
        '  - python=3.12',
        '  - pip',
        '  - pip:',
        '      - mlflow==2.17',
        ''
      ].join('\n')
    );
  });

  it('writes a requirements.in naming its environment in a comment', () => {
    expect(
      specTemplate({
        name: 'web',
        flavour: 'pip',
        channels: [],
        dependencies: ['httpx'],
        pip: []
      })
    ).toBe('# name: web\nhttpx\n');
  });
});
