/* Generated from the JSON Schemas beside this file by `npm run build` (scripts/generate-form-types.ts). Do not edit. */

/**
 * Each review results in an action plan. Actions have an owner and a date; each action's due date is its own deadline.
 */
export interface CsprActionForm {
/**
 * To update an action already on the plan, its number (for example 2). Leave empty to add an action, or to update the action with the same wording.
 */
actionId?: string
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
 * Not started, In progress, Complete or No longer needed.
 */
status: string
/**
 * When the status is Complete or No longer needed; the date of this update when left empty. For example, 27 3 2020
 */
actionCompletedOn?: string
/**
 * Leave empty for the partnership's group that monitors action plans on this date.
 */
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
 * Only for an incident that is not notifiable to the National Panel.
 */
export interface CsprClosedWithoutReviewForm {
closedBecause: (("looked-after-death-without-abuse-or-neglect" | "local-review-declined") & string)
/**
 * For example, 27 3 2026
 */
decidedOn: string
rationale: string
/**
 * Leave blank if they have not been told yet: a task is created. For example, 27 3 2026
 */
familyInformedOn?: string
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
 * The method agreed with the reviewer, for example Learning Together or SILP.
 */
methodology?: string
/**
 * Including the period of the case history the review covers, and any specific questions the review should address.
 */
termsOfReference?: string
/**
 * For example, 27 3 2020
 */
familyInformedOfReviewOn?: string
}

/**
 * Record a notification, letter or conversation that the guidance expects. It completes the matching task.
 */
export interface CsprCommunicationForm {
communication: (("other-areas-notified" | "family-told-decision" | "reviewer-name-published" | "family-invited-to-contribute" | "report-sent-to-secretary-of-state" | "action-plan-shared-with-monitoring-group") & string)
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
panelInformedOn?: string
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
}

/**
 * The decision on a local child safeguarding practice review, made on the rapid review's findings and recommendation.
 */
export interface CsprDecisionForm {
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
localDecision?: (("local-review" | "no-review") & string)
rationale?: string
/**
 * Leave blank if they have not been told yet: a task is created. For example, 27 3 2020
 */
familyToldOfNoReviewOn?: string
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
 * Working Together 2018 asks for a copy before publication, as for the National Panel and Ofsted. Leave blank if it has not been sent yet: a task is created. For example, 27 3 2026
 */
sentToSecretaryOfStateOn?: string
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
 * The rapid review of the serious safeguarding case, and the recommendation whether a local child safeguarding practice review should be carried out.
 */
export interface CsprRapidReviewForm {
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
recommendation: (("local-review" | "national-review" | "no-review") & string)
rationale: string
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
 * Working Together 2018 asks for a copy before publication, as for the National Panel and Ofsted. Leave blank if it has not been sent yet: a task is created. For example, 27 3 2026
 */
sentToSecretaryOfStateOn?: string
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
 * Safeguarding partners and relevant agencies are expected to work together to resolve any disputes locally.
 */
export interface DisputeStartForm {
/**
 * Say what the partners disagree on and what has been tried so far. Do not include a child's full name.
 */
summary: string
}

/**
 * A withdrawn case is closed and cannot be reopened; raise a new one if the concern returns.
 */
export interface DisputeWithdrawalForm {
/**
 * Shown in the escalation log.
 */
reason: string
}

/**
 * Record when the SCR or its information was passed to each recipient.
 */
export interface ScrHandoverRecordForm {
completeButUnpublished?: boolean
/**
 * For example, 27 3 2020
 */
handedToPartnersOn?: string
/**
 * For example, 27 3 2020
 */
handedToNationalPanelOn?: string
/**
 * For example, 27 3 2020
 */
handedToDfeOn?: string
learning?: string
}

/**
 * The LSCB passes the complete but unpublished SCR, or where it is not complete all information relating to the review (including learning arising from it), to the safeguarding partners, the National Panel and the DfE.
 */
export interface ScrHandoverForm {
/**
 * For example, 27 3 2020
 */
handedOverOn: string
/**
 * No if it is not complete: then all information relating to the review is handed over.
 */
completeButUnpublished: boolean
/**
 * For example, 27 3 2020
 */
handedToPartnersOn?: string
/**
 * For example, 27 3 2020
 */
handedToNationalPanelOn?: string
/**
 * For example, 27 3 2020
 */
handedToDfeOn?: string
learning?: string
}

/**
 * The safeguarding partners may decide to appoint a reviewer to undertake a local child safeguarding practice review; the reviewer is given access to the information from the SCR.
 */
export interface ScrLocalReviewForm {
/**
 * The new local review's final report is due six months from this date. For example, 27 3 2020
 */
decidedOn: string
/**
 * Including any decision the former LSCB made, and any new information about the case.
 */
considerations?: string
}

export interface ScrNoFurtherActionForm {
/**
 * Say how the information and learning from the SCR will be used.
 */
rationale: string
}

/**
 * The safeguarding partners are not required to publish a completed but unpublished SCR, but may do so if they agree it is appropriate. The publication must make clear that the review was commissioned and approved by the former LSCB.
 */
export interface ScrPublishAsLscbForm {
/**
 * For example, 27 3 2020
 */
publishedOn: string
statesCommissionedByLscb?: boolean
}

export interface ScrPublishedForm {
/**
 * No later than 29 September 2019. For example, 27 3 2020
 */
publishedOn: string
}

/**
 * A Serious Case Review the former Local Safeguarding Children Board had commissioned and not completed when the new arrangements began on 29 September 2019.
 */
export interface ScrStartForm {
/**
 * The name the review is known by, such as "Child T". Do not include a child's full name.
 */
title: string
/**
 * Must be before the new arrangements began on 29 September 2019. For example, 27 3 2020
 */
decisionDate: string
reviewer?: string
/**
 * Leave blank if it is not published yet. For example, 27 3 2020
 */
publishedOn?: string
}

/**
 * Changes dates already recorded on this case. Only the dates you enter change; the old ones stay in the history beside the new, with your reason, and a deadline whose result changes is shown and reported as corrected.
 */
export interface ScrTransitionCorrectDatesForm {
/**
 * Say what was wrong and where the right date comes from, for example "typed as 5 March; the letter to the National Panel is dated 3 March". It is kept in the history with the old and new dates.
 */
reason: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
decisionDate?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
publishedOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
handedOverOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
handedToPartnersOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
handedToNationalPanelOn?: string
/**
 * Leave blank to keep it as recorded. For example, 27 3 2020
 */
handedToDfeOn?: string
}

export interface YearlyReportCopiesForm {
/**
 * @minItems 1
 */
sentTo: [(("child-safeguarding-practice-review-panel" | "what-works-centre") & string & ("child-safeguarding-practice-review-panel" | "what-works-centre") & string), ...((("child-safeguarding-practice-review-panel" | "what-works-centre") & string & ("child-safeguarding-practice-review-panel" | "what-works-centre") & string))[]]
/**
 * Within seven days of publication. For example, 27 3 2026
 */
copiesSentOn: string
/**
 * Other boards and partnerships sent a copy.
 */
otherRecipients?: string
}

export interface YearlyReportCorrectDatesForm {
/**
 * For example, 27 3 2026
 */
publishedOn?: string
/**
 * For example, 27 3 2026
 */
copiesSentOn?: string
/**
 * The reason stays in the history with the old and new dates.
 */
reason: string
}

export interface YearlyReportDraftForm {
/**
 * For example, 27 3 2026
 */
draftedOn: string
/**
 * The priorities and progress against them, decisions and actions after reviews, feedback from children and families, training, and any changes to the arrangements.
 */
summary?: string
}

export interface YearlyReportPublicationForm {
/**
 * For example, 27 3 2026
 */
publishedOn: string
/**
 * The address of the page on the partnership's website.
 */
publishedAt?: string
}

export interface YearlyReportScrutinyForm {
/**
 * For example, 27 3 2026
 */
scrutinisedOn: string
scrutinyOutcome: (("verified" | "changes-requested") & string)
/**
 * What the scrutiny found, and any changes asked for.
 */
findings: string
}

export interface YearlyReportSignOffForm {
/**
 * For example, 27 3 2026
 */
signedOffOn: string
/**
 * For example, the meeting that approved it.
 */
signedOffAt?: string
}

/**
 * Safeguarding partners publish a report at least once in every 12-month period.
 */
export interface YearlyReportStartForm {
/**
 * For example, Annual report 2025 to 2026
 */
title: string
/**
 * For example, 1 4 2025
 */
periodStart: string
/**
 * For example, 31 3 2026
 */
periodEnd: string
}
