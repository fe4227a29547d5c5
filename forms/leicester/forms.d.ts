/* Generated from the JSON Schemas beside this file by `npm run build` (scripts/generate-form-types.ts). Do not edit. */

/**
 * In coming to a final decision, the response to the Independent Advisor's advice should be transparent.
 */
export interface FinalDecisionForm {
/**
 * Shown in the escalation log.
 */
decision: string
/**
 * Say whether the advice was followed and, if not, why not. This must be transparent.
 */
responseToAdvice: string
/**
 * For example, 27 3 2020
 */
decidedOn?: string
}

/**
 * Where the statutory partners cannot come to a unanimous agreement, the advice of the Independent Advisor is sought. Each statutory partner retains its own access to legal advice.
 */
export interface IndependentAdviceForm {
/**
 * Shown in the escalation log.
 */
advice: string
/**
 * For example, 27 3 2020
 */
advisedOn?: string
}

/**
 * Record each statutory partner's position. The dispute is resolved only when all three agree; otherwise the advice of the Independent Advisor is sought.
 */
export interface PartnersPositionsForm {
/**
 * One entry per statutory partner.
 * 
 * @minItems 1
 * @maxItems 3
 */
positions: [{
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}]|[{
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}, {
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}]|[{
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}, {
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}, {
partner: (("leicester-city-council" | "leicester-city-ccg" | "leicestershire-police") & string)
agrees: boolean
/**
 * Optional: what this partner thinks, in their words.
 */
position?: string
}]
/**
 * For example, 27 3 2020
 */
meetingDate?: string
/**
 * Shown in the escalation log.
 */
outcome?: string
/**
 * Shown in the escalation log when the partners cannot agree.
 */
reason?: string
}
