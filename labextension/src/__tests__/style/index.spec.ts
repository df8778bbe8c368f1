import * as fs from 'fs';
import * as path from 'path';

const STYLE = path.resolve(__dirname, '..', '..', '..', 'style');

/**
 * The style sheets a file of `labextension/style` imports, in order.
 */
function imported(file: string, pattern: RegExp): string[] {
  const text = fs.readFileSync(path.join(STYLE, file), 'utf-8');
  return [...text.matchAll(pattern)].map(match => match[1]);
}

describe('the style of the extension', () => {
  it('loads the same style sheets through index.js (styleModule) as index.css', () => {
    // JupyterLab loads `styleModule` (index.js) when it is given: a sheet
    // only index.css imports would never be loaded.
    const css = imported('index.css', /@import url\('(?:\.\/)?([^']+)'\);/g);
    const js = imported('index.js', /import '\.\/([^']+)';/g);

    expect(js).toEqual(css);
    const sheets = fs
      .readdirSync(STYLE)
      .filter(name => name.endsWith('.css') && name !== 'index.css');
    expect([...js].sort()).toEqual(sheets.sort());
  });
});
