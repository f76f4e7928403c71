import type { Entity } from '../envs/entity.js';
import type { AssistantMessage, ChatMessage, OpenAiTool } from '../trajectory/message.js';

/**
 * What a policy is asked for one episode's next turn. Real policies read `messages`, `tools`
 * and `entities` (the registered values of the episode, for slot-based templates); `task` is an
 * opaque handle that only reference (scripted) policies look into.
 */
export interface PolicyRequest {
  episodeId: string;
  messages: ChatMessage[];
  tools: OpenAiTool[];
  entities: Entity[];
  task: unknown;
  /** Per-request sampling (an OpenAI request's `temperature`, `top_p`, `max_tokens`); absent: the policy's own decoding. */
  sampling?: SamplingOverrides;
}

/**
 * Sampling settings one request asks for. A policy that samples honours them where it can (the
 * embedded policy: temperature, top-p, and a turn budget up to its own); scripted policies
 * ignore them.
 */
export interface SamplingOverrides {
  /** Softmax temperature; 0 is greedy. */
  temperature?: number;
  /** Nucleus sampling mass. */
  topP?: number;
  /** Most tokens of the turn. */
  maxNewTokens?: number;
  /** Temperature of the tokens inside a tool call's argument values (policies that decode them apart from the rest; others ignore it). */
  argumentTemperature?: number;
}

/** A policy's answer for one request. `error` marks output it could not turn into a message. */
export interface PolicyResponse {
  message: AssistantMessage;
  tokenIds?: number[];
  logProbs?: number[];
  error?: string;
}

/** Anything that can act as an agent: given a batch of requests, one assistant message each. */
export interface Policy {
  /** The spec it was made from, e.g. `scripted:oracle`. */
  readonly name: string;
  generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]>;
}
