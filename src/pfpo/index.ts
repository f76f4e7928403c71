/** PFPO: advantages from objective vectors, scalar baselines, logging statistics and the policy objective reference. */
export {
  defaultObjectiveNames,
  defaultPfpoConfig,
  pfpoConfigSchema,
  resolvePfpoConfig,
  type PfpoConfig,
  type PfpoConfigInput,
} from './pfpo-config.js';
export { constraintViolation, pfpoAdvantages, type PfpoGroupDiagnostics, type PfpoGroupResult } from './pfpo-advantage.js';
export {
  gdpoAdvantages,
  scalarAdvantages,
  scalarGrpoAdvantages,
  type ScalarAdvantageOptions,
  type ScalarAdvantageScheme,
} from './scalar-advantages.js';
export { pfpoGroupStatistics, type PfpoGroupStatistics } from './group-statistics.js';
export {
  clippedObjective,
  type ClippedObjectiveInput,
  type ClippedObjectiveOptions,
  type ClippedObjectiveResult,
} from './clipped-objective.js';
