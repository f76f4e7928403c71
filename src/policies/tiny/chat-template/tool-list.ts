import type { OpenAiTool } from '../../../trajectory/message.js';
import type { TinyChatTemplate } from './template.js';

/** Shortens a description to its first sentence or line, then to at most `limit` characters (none when `limit` is 0). */
export function shortDescription(description: string, limit: number, ellipsis: string): string {
  if (limit <= 0) return '';
  const firstLine = description.trim().split('\n')[0]?.trim() ?? '';
  const sentenceEnd = firstLine.search(/[.!?](\s|$)/);
  const sentence = sentenceEnd >= 0 ? firstLine.slice(0, sentenceEnd + 1) : firstLine;
  if (sentence.length <= limit) return sentence;
  const cut = sentence.slice(0, Math.max(0, limit - ellipsis.length));
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > cut.length / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}${ellipsis}`;
}

/** The argument names of a tool, in schema order, optional ones marked. */
function argumentList(tool: OpenAiTool, template: TinyChatTemplate): string {
  const parameters = tool.function.parameters;
  const properties = parameters['properties'];
  const names = properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
  const requiredValue = parameters['required'];
  const required = new Set(Array.isArray(requiredValue) ? requiredValue.filter((name): name is string => typeof name === 'string') : []);
  return names.map((name) => (required.has(name) ? name : `${name}${template.toolList.optionalArgumentMarker}`)).join(template.toolList.argumentSeparator);
}

/**
 * The tools as compact lines, one per tool: `name(argument, optional?) - short description`
 * (just `name` when the template hides arguments; the description only when it allows one).
 * This text goes into the system turn after the tools-list marker.
 */
export function renderToolList(tools: readonly OpenAiTool[], template: TinyChatTemplate): string {
  const { descriptionMaxCharacters, descriptionSeparator, ellipsis, lineSeparator } = template.toolList;
  return tools
    .map((tool) => {
      const description = shortDescription(tool.function.description, descriptionMaxCharacters, ellipsis);
      const signature = template.toolList.showArguments ? `${tool.function.name}(${argumentList(tool, template)})` : tool.function.name;
      return description.length > 0 ? `${signature}${descriptionSeparator}${description}` : signature;
    })
    .join(lineSeparator);
}
