// Jest runs in CommonJS mode: SWC compiles our TypeScript and the ESM-only NestJS 12 packages to
// CommonJS, because CommonJS packages such as @willsoto/nestjs-prometheus `require()` NestJS and
// Jest's module system cannot `require` ESM before Node 24.9. The built apps run as native ESM.
const swcTs = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const swcJs = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
  },
];

const shared = {
  rootDir: __dirname,
  // Only the code's folders are crawled: .cache/ holds gigabytes of Go modules and the venv.
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/cli', '<rootDir>/test'],
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  transform: { '^.+\\.ts$': swcTs, '^.+\\.m?js$': swcJs },
  // @kubernetes/client-node 1.x and the OIDC packages it imports ship only ESM.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|entities|@kubernetes/client-node|openid-client|oauth4webapi|jose)/)',
  ],
  moduleNameMapper: {
    '^@sentimentops/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,cli}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
