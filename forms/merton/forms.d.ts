/* Generated from the JSON Schemas beside this file by `npm run build` (scripts/generate-form-types.ts). Do not edit. */

/**
 * The Independent Person writes to the accountable officer of a statutory partner that was absent at stage 1.
 */
export interface AccountableOfficerLetterForm {
partner: (("lb-merton" | "merton-ccg" | "met-police") & string)
sentOn: string
/**
 * Optional: where the letter is filed.
 */
reference?: string
}

/**
 * The Independent Person records the outcome of arbitration.
 */
export interface ArbitrationOutcomeForm {
outcome?: string
/**
 * Shown in the escalation log.
 */
reason?: string
}

/**
 * Record how the Secretary of State's involvement ended.
 */
export interface ClosingOutcomeForm {
outcome: string
}

/**
 * The Independent Person reports decisions taken between meetings to the Partnership no later than its next meeting, or in writing.
 */
export interface CsprDecisionReportedForm {
/**
 * For example, 27 3 2020
 */
reportedToPartnershipOn: string
reportedHow?: (("at-meeting" | "in-writing") & string)
}

/**
 * The safeguarding partners promptly undertake a rapid review and decide what to do next, including whether to undertake a child safeguarding practice review. As soon as the rapid review is complete, send a copy to the National Panel with the decision.
 */
export interface CsprRapidReviewDecisionForm {
/**
 * The National Panel expects rapid reviews within 15 working days of its notification. For example, 27 3 2020
 */
completedOn: string
/**
 * Say what was done or agreed, and any learning shared. Write "None" if none.
 */
immediateActions?: string
/**
 * Meeting the criteria does not mean a review must be carried out. Select all that apply, or none.
 */
criteria?: (("improvements-needed" | "recurrent-themes" | "agencies-working-together" | "panel-considers-local-review-appropriate") & string)[]
/**
 * Select all that apply, or none.
 */
circumstances?: (("single-agency-concern" | "no-agency-involvement" | "cross-boundary" | "institutional-setting") & string)[]
recommendation?: (("local-review" | "national-review" | "no-review") & string)
/**
 * Decisions should be made transparently and the rationale communicated appropriately, including to the family.
 */
decision: (("local-review" | "national-review" | "no-review") & string)
/**
 * For example, 27 3 2020
 */
decidedOn: string
/**
 * Why this decision, against the criteria and circumstances.
 */
rationale: string
/**
 * Needed when the National Panel was notified of the incident. For example, 27 3 2020
 */
panelInformedOn?: string
/**
 * For example, 27 3 2020
 */
familyInformedOn?: string
/**
 * Such decisions are reported to the Partnership no later than its next meeting, or in writing.
 */
decidedBetweenMeetings?: boolean
/**
 * For example, 27 3 2020
 */
nextMeetingOn?: string
/**
 * For example, 27 3 2020
 */
reportedToPartnershipOn?: string
}

/**
 * The determination made by the Independent Person at stage 3.
 */
export interface DeterminationForm {
/**
 * The Independent Person's decision on the issue.
 */
determination: string
determinedOn?: string
}

/**
 * Record who attended the stage 1 meeting and what it concluded.
 */
export interface PartnersMeetingForm {
/**
 * Select every partner that was represented. The Executive Group can only agree when all three attend.
 */
attendees: (("lb-merton" | "merton-ccg" | "met-police") & string)[]
/**
 * For example, 27 3 2020
 */
meetingDate?: string
outcome?: string
/**
 * Shown in the escalation log.
 */
reason?: string
}

/**
 * Normal challenge and dispute resolution have become untenable: the Independent Scrutineer discloses to Ofsted and the DfE that a statutory partner is not meeting its statutory obligations.
 */
export interface SecretaryOfStateReferralForm {
/**
 * Describe the obligation and the partner.
 */
statutoryObligationNotMet: (string | boolean)
disclosedToOfstedAndDfeOn: string
/**
 * Shown in the escalation log.
 */
reason?: string
}

/**
 * A withdrawn dispute is closed and cannot be reopened; raise a new one if needed.
 */
export interface WithdrawalForm {
reason: string
}
