// Survival function of Kolmogorov's limiting distribution, K(x) = P(sqrt(n)·D_n > x) as n → ∞:
// a port of scipy.special.kolmogorov (xsf/cephes/kolmogorov.h, `_kolmogorov(x).sf`, scipy 1.17),
// the function behind scipy.stats.kstwobign.sf. Ported, not taken from a package, because no
// maintained JavaScript library has it; the port keeps xsf's two series and their evaluation order
// so the results agree with scipy to the last bits (checked in the unit and integration tests).

/** exp() of anything below this underflows to 0 (xsf's MIN_EXPABLE). */
const MIN_EXPABLE = -708 - 38;
/** Where xsf switches from the small-x (theta-transformed) series to the alternating one. */
const KOLMOG_CUTOVER = 0.82;

/** scipy.special.kolmogorov(x) = scipy.stats.kstwobign.sf(x), clipped to [0, 1]. */
export function kolmogorovSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  // x <= 0.040611972203751713: the CDF underflows.
  if (x <= Math.PI / Math.sqrt(-MIN_EXPABLE * 8)) return 1;

  let P = 1.0;
  if (x <= KOLMOG_CUTOVER) {
    // u = e^(-pi^2/(8x^2)), w = sqrt(2pi)/x, CDF = w·u·(1 + u^8 + u^24 + u^48 + ...)
    const w = Math.sqrt(2 * Math.PI) / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    if (u === 0) {
      P = Math.exp(logu8 / 8 + Math.log(w));
    } else {
      const u8 = Math.exp(logu8);
      const u8cub = Math.pow(u8, 3);
      P = 1 + u8cub * P;
      P = 1 + u8 * u8 * P;
      P = 1 + u8 * P;
      P = w * u * P;
    }
    return clip01(1 - P);
  }
  // v = e^(-2x^2), SF = 2(v - v^4 + v^9 - v^16 + ...) = 2v(1 - v^3(1 - v^5(1 - v^7(...))))
  const v = Math.exp(-2 * x * x);
  const vsq = v * v;
  const v3 = Math.pow(v, 3);
  P = 1 - v3 * v3 * v * P;
  P = 1 - v3 * vsq * P;
  P = 1 - v3 * P;
  return clip01(2 * v * P);
}

function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}
