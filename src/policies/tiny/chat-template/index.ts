export { loadTinyChatTemplate, specialTokenNames, tinyChatTemplateSchema, type SpecialTokenName, type TinyChatTemplate } from './template.js';
export {
  generationStopTokenIds,
  slotToken,
  templateTokenIds,
  tinyChatSpecialTokens,
  turnEndingTokenNames,
  type SpecialTokenMeaning,
  type TemplateTokenIds,
  type TemplateTokenizer,
} from './special-tokens.js';
export { SlotAssigner, slotValue, usedSlots, type SlotMap } from './slot-map.js';
export { EntityMatcher, standsAlone, type EntitySegment } from './entity-matcher.js';
export { renderToolList, shortDescription } from './tool-list.js';
export { parseToolCallBody, toolCallBodyFrame, type ParsedToolCallBody } from './tool-call-body.js';
export { renderConversation, renderPrompt, type ChatTemplateOptions, type RenderedConversation, type RenderedPrompt } from './render-conversation.js';
export { parseAssistantOutput, type ParseAssistantOutputOptions } from './parse-assistant-output.js';
