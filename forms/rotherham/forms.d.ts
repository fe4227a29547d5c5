/* Generated from the JSON Schemas beside this file by `npm run build` (scripts/generate-form-types.ts). Do not edit. */

/**
 * Record any learning published from this appraisal. There may be none.
 */
export interface AppraisalCloseForm {
/**
 * Outputs are lodged on the Safeguarding Children Partnership website. Leave empty if there are none.
 */
learningOutputs?: {
kind: (("seven-minute-briefing" | "learning-on-a-page") & string)
/**
 * For example, "Hearing the Voice of the Child".
 */
title: string
}[]
/**
 * For example, 27 3 2023
 */
findingsSharedOn?: string
}

export interface AppraisalCorrectDatesForm {
/**
 * Leave blank to keep it as recorded. For example, 27 3 2023
 */
referredOn?: string
/**
 * The reason stays in the history with the old and new dates.
 */
reason: string
}

export interface AppraisalFindingsSharedForm {
/**
 * For example, 27 3 2023
 */
findingsSharedOn: string
}

export interface AppraisalFindingsForm {
/**
 * @minItems 1
 */
themes: [(("information-sharing" | "communication" | "disguised-compliance" | "splitting-of-professionals" | "voice-of-the-child" | "outstanding-practice") & string & ("information-sharing" | "communication" | "disguised-compliance" | "splitting-of-professionals" | "voice-of-the-child" | "outstanding-practice") & string), ...((("information-sharing" | "communication" | "disguised-compliance" | "splitting-of-professionals" | "voice-of-the-child" | "outstanding-practice") & string & ("information-sharing" | "communication" | "disguised-compliance" | "splitting-of-professionals" | "voice-of-the-child" | "outstanding-practice") & string))[]]
/**
 * What the group found, and the learning it identifies.
 */
findings: string
}

/**
 * The Practice Standards Group appraises real case examples to identify the learning.
 */
export interface AppraisalReferralForm {
/**
 * Do not include a child's full name.
 */
caseReference?: string
/**
 * For example, 27 3 2023
 */
referredOn: string
referralReason: (("cause-for-concern" | "outstanding-practice") & string)
/**
 * What the agencies did, and why it is referred.
 */
summary: string
}

export interface AppraisalScheduleForm {
/**
 * For example, 27 3 2023
 */
meetingDate: string
}

/**
 * The Independent Chair arbitrates at the Chief Officer Group when an issue cannot otherwise be resolved.
 */
export interface DisputeDeterminationForm {
determination: string
/**
 * Shown in the escalation log. Leave blank if the determination says it all.
 */
outcome?: string
/**
 * For example, 27 3 2020
 */
determinedOn?: string
}

/**
 * Escalate when the disagreement cannot be resolved at this level. The reason is shown in the escalation log, which the Executive Group reports to the Chief Officer Group and in the annual report.
 */
export interface DisputeEscalationForm {
/**
 * Shown in the escalation log.
 */
reason: string
}

export interface DisputeOutcomeForm {
/**
 * Shown in the escalation log and reported to the Chief Officer Group.
 */
outcome: string
/**
 * For example, 27 3 2020
 */
resolvedOn?: string
}

/**
 * Record any learning published from this review. There may be none.
 */
export interface VetoCloseForm {
/**
 * Outputs are lodged on the Safeguarding Children Partnership website. Leave empty if there are none.
 */
learningOutputs?: {
kind: (("seven-minute-briefing" | "learning-on-a-page") & string)
/**
 * For example, "Hearing the Voice of the Child".
 */
title: string
}[]
/**
 * For example, 27 3 2020
 */
feedbackToChairOn?: string
/**
 * Optional.
 */
chairResponse?: string
/**
 * For example, 27 3 2020
 */
findingsSharedOn?: string
}

/**
 * The response and its rationale go back to the Chair who referred the veto, and the findings to the Performance and Quality Delivery Group and the Learning and Improvement Delivery Group.
 */
export interface VetoFeedbackForm {
/**
 * For example, 27 3 2020
 */
feedbackToChairOn?: string
/**
 * Optional.
 */
chairResponse?: string
/**
 * For example, 27 3 2020
 */
findingsSharedOn?: string
}

/**
 * The Chair of a Child Protection Case Conference has exercised their power of veto to overturn the majority decision. The Practice Standards Group reviews it and offers advice.
 */
export interface VetoReferralForm {
/**
 * For example, 27 3 2020
 */
conferenceDate: string
conferenceType?: (("initial" | "review" | "transfer-in") & string)
/**
 * For example, that the child should no longer be subject to a child protection plan.
 */
majorityDecision: string
/**
 * For example, that the child should remain subject to child protection planning.
 */
chairDecision: string
/**
 * The annual report counts vetoes by their effect.
 */
vetoEffect?: (("remains-subject-to-plan" | "becomes-subject-to-plan" | "not-subject-to-plan") & string)
/**
 * Do not include a child's full name.
 */
rationale: string
/**
 * Optional: a reference the Practice Standards Group can use. No names.
 */
caseReference?: string
}

/**
 * Changes dates already recorded on this case. Only the dates you enter change; the old ones stay in the history beside the new, with your reason, and a deadline whose result changes is shown and reported as corrected.
 */
export interface VetoReviewCorrectDatesForm {
/**
 * Say what was wrong and where the right date comes from, for example "typed as 5 March; the letter to the National Panel is dated 3 March". It is kept in the history with the old and new dates.
 */
reason: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
conferenceDate?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
meetingDate?: string
}

export interface VetoReviewForm {
/**
 * Counted in the annual report.
 */
outcome: (("agrees-with-veto" | "disagrees-with-veto") & string)
/**
 * Fed back to the Chair who made the referral.
 */
advice: string
}

export interface VetoScheduleForm {
/**
 * For example, 27 3 2020
 */
meetingDate: string
}
