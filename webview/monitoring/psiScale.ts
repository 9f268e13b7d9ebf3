// The drift strip's colour scale, by the version's own PSI thresholds.

/** A PSI's colour class: under half the warning, under the warning, under the alert, above it. */
export function psiClass(psi: number | null, warning: number, alert: number): string {
  if (psi === null) return 'psi-na';
  if (psi > alert) return 'psi-3';
  if (psi > warning) return 'psi-2';
  return psi > warning / 2 ? 'psi-1' : 'psi-0';
}
