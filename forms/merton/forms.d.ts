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
 * Each review results in an action plan, monitored by the Quality Assurance Sub-Group. Actions have an owner and a date.
 */
export interface CsprActionForm {
action: string
/**
 * The person or agency responsible.
 */
owner: string
/**
 * For example, 27 3 2020
 */
due: string
/**
 * For example: not started, in progress, complete.
 */
status: string
monitoredBy?: string
}

/**
 * Close the case when every action is complete and its outcome has been re-reviewed or audited to make sure it is embedded in practice.
 */
export interface CsprActionsCompleteForm {
/**
 * For example, 27 3 2020
 */
actionsCompletedOn?: string
/**
 * For example, a re-review or multi-agency audit.
 */
assurance?: string
learningDisseminated?: string
}

/**
 * The safeguarding partners commission and supervise reviewers for local reviews. As soon as they have decided a local review will be carried out, they inform the National Panel, Ofsted and the DfE, including the name of the reviewer.
 */
export interface CsprCommissioningForm {
/**
 * If there is more than one reviewer, name them all.
 */
reviewerName: string
reviewerCriteria: {
/**
 * Including the ability to engage both with practitioners and with children and families.
 */
professionalKnowledge: boolean
researchKnowledge: boolean
recognisesComplexCircumstances: boolean
avoidsHindsight: boolean
communicatesFindings: boolean
/**
 * If yes, say below how it will be managed.
 */
conflictOfInterest: boolean
}
/**
 * Needed when the reviewer has a real or perceived conflict of interest.
 */
conflictOfInterestMitigation?: string
/**
 * Tell them the reviewer's name too. For example, 27 3 2020
 */
panelOfstedDfeInformedOn: string
/**
 * The DfE-recognised methodologies.
 */
methodology: (("learning-together" | "child-practice-review" | "root-cause-analysis" | "silp" | "appreciative-inquiry") & string)
/**
 * Including the period of the case history the review covers, and any specific questions the review should address.
 */
termsOfReference?: string
/**
 * The cost is borne by the statutory partners involved in the case, and may include contributions from relevant agencies and co-opted members involved. The shares must add up to 100%.
 * 
 * @minItems 1
 */
costShares: [{
/**
 * lb-merton, merton-ccg or met-police for a statutory partner, or the name of a contributing relevant agency.
 */
partner: string
percent: number
}, ...({
/**
 * lb-merton, merton-ccg or met-police for a statutory partner, or the name of a contributing relevant agency.
 */
partner: string
percent: number
})[]]
/**
 * For example, 27 3 2020
 */
familyInformedOfReviewOn?: string
}

/**
 * Record a notification, letter or conversation that the guidance expects. It completes the matching task.
 */
export interface CsprCommunicationForm {
communication: (("other-areas-notified" | "family-told-decision" | "reviewer-name-published" | "family-invited-to-contribute") & string)
/**
 * For example, 27 3 2020
 */
communicatedOn: string
/**
 * Optional: who was told, and how.
 */
communicationNote?: string
}

/**
 * Changes dates already recorded on this case. Only the dates you enter change; the old ones stay in the history beside the new, with your reason, and a deadline whose result changes is shown and reported as corrected.
 */
export interface CsprCorrectDatesForm {
/**
 * Say what was wrong and where the right date comes from, for example "typed as 5 March; the letter to the National Panel is dated 3 March". It is kept in the history with the old and new dates.
 */
reason: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
awareOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
partnersNotifiedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
panelNotifiedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
secretaryOfStateAndOfstedNotifiedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
completedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
decidedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
receivedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
publishedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
improvementsPublishedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
reportedToPartnershipOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
nextMeetingOn?: string
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
 * The final report must include a summary of recommended improvements and an analysis of any systemic or underlying reasons why actions were taken or not.
 */
export interface CsprFinalReportForm {
/**
 * The partnership's target is six months from the decision to carry out a local review. For example, 27 3 2020
 */
receivedOn: string
recommendedImprovements?: string
includesSystemicAnalysis?: boolean
}

/**
 * Serious child safeguarding cases are those in which abuse or neglect of a child is known or suspected and the child has died or been seriously harmed. Others may tell the partners of an incident they think should be considered for a review.
 */
export interface CsprIncidentForm {
/**
 * A short reference for this case, such as "Child T". Do not include a child's full name.
 */
title?: string
/**
 * Notifications are due within five working days of this date. For example, 27 3 2020
 */
awareOn: string
abuseOrNeglectKnownOrSuspected: boolean
childDied: boolean
/**
 * Serious harm includes (but is not limited to) serious or long-term impairment of a child's mental health or intellectual, emotional, social or behavioural development, and impairment of physical health. Even if a child recovers, serious harm may still have occurred.
 */
seriouslyHarmed: boolean
inArea: boolean
/**
 * When a looked-after child dies, the local authority must notify the Secretary of State and Ofsted, whether or not abuse or neglect is known or suspected.
 */
lookedAfterChild: boolean
/**
 * For example where there has been good practice, poor practice or a "near miss".
 */
referredForLocalReview?: boolean
/**
 * Only when an agency other than the local authority reported the incident.
 */
reportedBy?: string
/**
 * For example, 27 3 2020
 */
incidentOn?: string
/**
 * Brief facts, as far as they are known. Do not include a child's full name.
 */
summary?: string
}

/**
 * The local authority notifies the National Panel within five working days of becoming aware of a notifiable incident, and reports it to the safeguarding partners in its area (and in other areas if appropriate) within five working days. A late date is accepted and recorded as a missed deadline.
 */
export interface CsprNotificationForm {
/**
 * Needed when the incident is notifiable. For example, 27 3 2020
 */
panelNotifiedOn?: string
/**
 * Needed when the incident is notifiable. For example, 27 3 2020
 */
partnersNotifiedOn?: string
/**
 * Needed when a looked-after child died. For example, 27 3 2020
 */
secretaryOfStateAndOfstedNotifiedOn?: string
/**
 * When another local authority, police area or health area is involved, for example because the family moved. Leave blank if none.
 */
otherAreas?: string
/**
 * For example, 27 3 2020
 */
otherAreasNotifiedOn?: string
}

export interface CsprPanelResponseForm {
panelDecision: (("national-review" | "local-review") & string)
/**
 * For example, 27 3 2020
 */
respondedOn?: string
}

/**
 * The safeguarding partners must supervise the review to ensure the reviewer is making satisfactory progress and that the review is of satisfactory quality. Any request for information from the reviewer must be made in writing.
 */
export interface CsprProgressCheckForm {
/**
 * For example, 27 3 2020
 */
requestedOn?: string
request?: string
/**
 * For example, 27 3 2020
 */
answeredOn?: string
answer?: string
progressSatisfactory?: boolean
qualitySatisfactory?: boolean
}

/**
 * Where it is not possible to publish a review pending a trial, inquest or other enquiry, actions are planned and carried out confidentially meanwhile.
 */
export interface CsprPublicationDeferredForm {
deferredPending: (("trial" | "inquest" | "other-enquiry") & string)
deferralDetails?: string
/**
 * For example, 27 3 2020
 */
outcomeExpectedOn?: string
confidentialActions?: string
}

/**
 * Consider how best to manage the impact of publication on children, family members, practitioners and others closely affected. Published reports must stay publicly available for at least one year.
 */
export interface CsprPublicationForm {
/**
 * At least 7 working days before publication. For example, 27 3 2020
 */
sentToPanelAndOfstedOn: string
/**
 * For example, 27 3 2020
 */
publishedOn: string
/**
 * The name of the reviewer should be included.
 */
reviewerNamed?: boolean
publicationAddress?: string
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
 * If the partners consider it inappropriate to publish the report, they must publish any information about the improvements to be made that they consider appropriate to publish. It must stay publicly available for at least one year.
 */
export interface CsprWithheldPublicationForm {
reason: string
/**
 * At least 7 working days before publication. For example, 27 3 2020
 */
sentToPanelAndOfstedOn: string
/**
 * For example, 27 3 2020
 */
improvementsPublishedOn: string
/**
 * The name of the reviewer should be included.
 */
reviewerNamed?: boolean
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
 * Describe the disagreement between the statutory partners. Every effort should be made to resolve it locally first.
 */
export interface DisputeStartForm {
/**
 * Say what the partners disagree on and what has been tried so far. Do not include a child's full name.
 */
summary: string
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
