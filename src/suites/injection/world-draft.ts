/** Re-exported for the suite templates; the world draft belongs to the environments. */
export type { WorldDraft } from '../../envs/world-draft.js';
