// Jest loads globalSetup and globalTeardown with Node's own require(), not through its module
// registry, so the moduleNameMapper rule that maps NodeNext-style './x.js' imports onto the
// './x.ts' sources does not apply there. This applies the same rule for our TypeScript files.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is CommonJS
const Module = require('node:module');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTsSource(request, parent, ...rest) {
  const fromTypeScript = parent?.filename?.endsWith('.ts');
  if (fromTypeScript && request.startsWith('.') && request.endsWith('.js')) {
    try {
      return resolveFilename.call(this, `${request.slice(0, -'.js'.length)}.ts`, parent, ...rest);
    } catch {
      // no .ts source: resolve the request as it is
    }
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
