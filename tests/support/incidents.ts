/**
 * The start of a serious incident notifiable to the National Panel (a child seriously harmed, abuse or
 * neglect suspected, in the area), for tests that need one without caring how it came about.
 */
export function notifiableIncident(awareOn: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true, ...more };
}

/** A reviewer who meets every criterion of Working Together's for an independent reviewer, with no conflict of interest. */
export const REVIEWER_MEETS_CRITERIA = {
  professionalKnowledge: true,
  researchKnowledge: true,
  recognisesComplexCircumstances: true,
  avoidsHindsight: true,
  communicatesFindings: true,
  conflictOfInterest: false,
};
