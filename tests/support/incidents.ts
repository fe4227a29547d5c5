/**
 * The start of a serious incident notifiable to the National Panel (a child seriously harmed, abuse or
 * neglect suspected, in the area), for tests that need one without caring how it came about.
 */
export function notifiableIncident(awareOn: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true, ...more };
}
