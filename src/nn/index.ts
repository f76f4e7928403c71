/**
 * The neural-network engine: a llama-style decoder over a swappable tensor backend (jax-js on
 * its wasm device), its trainer, KV-cached sampler and checkpoint I/O. Nothing here knows about
 * agents. The tokenizer lives in ./tokenizer/.
 */
export { createJaxBackend, JaxBackend } from './backend/jax-backend.js';
export { startJaxRuntime } from './backend/jax-runtime.js';
export { installNodeShims, type NodeShimOptions } from './backend/node-shims.js';
export type {
  AdamWStep,
  CompiledFunction,
  HostData,
  Tensor,
  TensorBackend,
  TensorDataType,
  TensorRecord,
  TensorTree,
} from './backend/tensor-backend.js';
export { SeededRandom } from './seeded-random.js';
export { headSize, ModelConfigSchema, parseModelConfig, type ModelConfig } from './model/model-config.js';
export {
  initialParameterValues,
  initializeParameters,
  parameterCount,
  parameterShapes,
  parametersFromValues,
  readParameterValues,
  type ModelParameters,
} from './model/parameters.js';
export {
  embedTokens,
  finalNorm,
  forwardHidden,
  forwardLogits,
  layerAttentionInputs,
  layerOutput,
  outputLogits,
  type AttentionInputs,
  type ForwardOptions,
} from './model/transformer.js';
export {
  batchLoss,
  maskedNegativeLogLikelihood,
  tokenLogProbabilities,
  type DeviceBatch,
  type Objective,
  type ObjectiveInputs,
} from './model/loss.js';
export { warmupCosineLearningRate, type LearningRateSchedule } from './train/learning-rate-schedule.js';
export { clipByGlobalNorm, globalGradientNorm } from './train/gradient-clipping.js';
export { biasCorrections, createAdamWState, createAdamWUpdate, type AdamWOptions, type AdamWState } from './train/adamw.js';
export { chooseBucket, padBatch, type PaddedBatch, type TrainingBatch } from './train/length-buckets.js';
export { Trainer, type HostGradient, type ObjectiveBatch, type StepShares, type TrainerOptions, type TrainingStepReport } from './train/trainer.js';
export { DataParallelTrainer, type DataParallelTrainerOptions } from './train/data-parallel-trainer.js';
export { loadOptimizerState, OPTIMIZER_STATE_FILE, saveOptimizerState, type HostOptimizerState } from './checkpoint/optimizer-state.js';
export {
  CHECKPOINT_FILES,
  CheckpointError,
  loadCheckpoint,
  loadModel,
  saveCheckpoint,
  saveModel,
  type HostCheckpoint,
} from './checkpoint/checkpoint.js';
export { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsEntry } from './checkpoint/safetensors.js';
export { commonPrefixLength, truncatePrefix, type CachedPrefix } from './sampler/cached-prefix.js';
export { DecodeSession, type RowLogits } from './sampler/decode-session.js';
export { chooseToken, logSoftmaxAt, type TokenChoice, type TokenChoiceOptions } from './sampler/token-choice.js';
export {
  Sampler,
  type FinishReason,
  type GeneratedRow,
  type GenerationRequest,
  type SamplerOptions,
} from './sampler/sampler.js';
