// Browser APIs jsdom lacks and JupyterLab packages touch as they load.

// `@jupyterlab/apputils` builds its system clipboard at import time and warns
// when there is no Clipboard API.
Object.defineProperty(window.navigator, 'clipboard', {
  configurable: true,
  value: {
    readText: jest.fn().mockResolvedValue(''),
    writeText: jest.fn().mockResolvedValue(undefined)
  }
});
