export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { chatCompletion, type ChatCompletionContext } from './chat-completion.js';
export { chatCompletionRequestSchema, type ChatCompletionRequest } from './request-schema.js';
export { ApiError, type ApiErrorBody } from './api-error.js';
export { PolicyQueue } from './policy-queue.js';
