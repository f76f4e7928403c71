export { OpenAiPolicy } from './openai-policy.js';
export { OpenAiPolicyError, parseOpenAiEndpoint, type OpenAiEndpoint } from './endpoint.js';
export { openAiEnvironmentVariables, openAiSettingsFromEnvironment, openAiSettingsSchema, type OpenAiDecodingDefaults, type OpenAiSettings } from './settings.js';
export { fateChoiceExtensionSchema, fateModelOwner, fateRequestExtensionSchema, type FateChoiceExtension, type FateRequestExtension } from './fate-extension.js';
export { choiceToResponse, completionToResponses, failedResponse } from './completion-conversion.js';
