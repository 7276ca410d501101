// Drift statistics, exact and checked against scipy: PSI on reference-quantile bins, the
// two-sample Kolmogorov–Smirnov test (exact and asymptotic p-values), chi-square goodness of fit,
// Holm's step-down, and the rule that turns a window's per-feature tests into one verdict.
// Plain functions on typed arrays, no Nest; docs/drift.md ("Statistics") gives the definitions.
export * from './chi-square.js';
export * from './drift-verdict.js';
export * from './holm.js';
export * from './kolmogorov.js';
export * from './ks-two-sample.js';
export * from './psi.js';
export * from './sorted-sample.js';
