export { buildCoordinatorApi } from './api/app.ts';
export type { CoordinatorApiDeps, CoordinatorApiOptions } from './api/deps.ts';
