// A zod-compatible config guard over the native validator: the same
// safeParse/parse/*Async surface Logto calls, and an error that looks like
// zod's (name 'ZodError', `issues` with code, path and message).
import { CONFIG_SCHEMA, encode } from './encode.js';

export class GuardError extends Error {
  constructor(issues) {
    super(JSON.stringify(issues, null, 2));
    // Own enumerable properties, as zod sets them: JSON.stringify(error) and
    // Logto's error responses show them.
    this.name = 'ZodError';
    this.issues = issues;
  }

  get errors() {
    return this.issues;
  }

  get isEmpty() {
    return this.issues.length === 0;
  }

  flatten() {
    const formErrors = [];
    const fieldErrors = {};
    for (const issue of this.issues) {
      if (issue.path.length > 0) {
        (fieldErrors[issue.path[0]] ??= []).push(issue.message);
      } else {
        formErrors.push(issue.message);
      }
    }
    return { formErrors, fieldErrors };
  }
}

/**
 * @param {(json: string) => string} parseNative the native `*ParseConfig` export
 * @param {object} schema the keys `encode` reads (CONFIG_SCHEMA for the direct connectors)
 */
export const createGuard = (parseNative, schema = CONFIG_SCHEMA) => {
  const safeParse = (input) => {
    const result = JSON.parse(parseNative(encode(input, schema)));
    return result.success
      ? { success: true, data: result.data }
      : { success: false, error: new GuardError(result.issues) };
  };
  const parse = (input) => {
    const result = safeParse(input);
    if (!result.success) throw result.error;
    return result.data;
  };
  return {
    safeParse,
    parse,
    safeParseAsync: async (input) => safeParse(input),
    parseAsync: async (input) => parse(input),
  };
};
