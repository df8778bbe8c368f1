import * as fs from 'fs';
import * as path from 'path';

import { FRONTEND_VERSION } from '../../core/version';

describe('FRONTEND_VERSION', () => {
  it("equals the package's version", () => {
    const packageJson = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, '..', '..', '..', '..', 'package.json'),
        'utf-8'
      )
    );

    expect(FRONTEND_VERSION).toBe(packageJson.version);
  });
});
