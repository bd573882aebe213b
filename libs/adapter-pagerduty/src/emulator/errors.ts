/** PagerDuty's error body (`components.responses.*` in the REST spec). */
export function pagerDutyError(message: string, code: number, errors?: string[]) {
  return { error: { message, code, ...(errors ? { errors } : {}) } };
}
