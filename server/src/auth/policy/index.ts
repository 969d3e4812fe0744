export { ACTIONS, isAction, type Action } from './actions.ts';
export { Authorizer } from './Authorizer.ts';
export { evaluate, nextWindowEdge, type Decision } from './evaluate.ts';
export { actorOf, type Principal } from './Principal.ts';
export { deviceResource, siteOf, siteResource, type Resource } from './resources.ts';
export { ROLE_ACTIONS, statementsForDevice, statementsForGrant, type Statement } from './roles.ts';
export { scopeToApiKey } from './scopeToApiKey.ts';
