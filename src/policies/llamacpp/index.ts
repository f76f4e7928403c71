/** The `llamacpp:PATH.gguf` policy: a fate model exported to GGUF, run by llama.cpp (node-llama-cpp, optional). */
export { LlamaCppModelError, LlamaCppPolicy } from './llamacpp-policy.js';
export { LlamaCppUnavailableError, NODE_LLAMA_CPP_VERSION } from './node-llama-cpp-runtime.js';
