import { ACTIONS, type Action } from '@porchlight/protocol';

/**
 * The action names live in the wire contract (@porchlight/protocol), because API key scopes are
 * made of them; the policy logic stays here.
 */
export { ACTIONS, type Action };

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

/** Matches an action against a pattern: exact, `service:*`, or `*`. */
export function actionMatches(pattern: string, action: Action): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}
