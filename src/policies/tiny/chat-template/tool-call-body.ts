import type { TinyChatTemplate } from './template.js';

/** A tool call's name and its raw arguments text, as read from the text between the call markers. */
export interface ParsedToolCallBody {
  name: string;
  arguments: string;
}

/**
 * The text between the call markers for a call: `{"name": "NAME", "arguments": ARGUMENTS}` with
 * the arguments inserted verbatim (the raw string the policy produced, valid JSON or not).
 * Returned as the part before the arguments and the part after, so that the caller can slot
 * entities in the arguments only.
 */
export function toolCallBodyFrame(name: string, template: TinyChatTemplate): { before: string; after: string } {
  return { before: `${template.toolCall.namePrefix}${JSON.stringify(name)}${template.toolCall.argumentsSeparator}`, after: template.toolCall.suffix };
}

const jsonStringLiteral = /^"(?:[^"\\]|\\.)*"/s;
const looseName = /"name"\s*:\s*("(?:[^"\\]|\\.)*")/s;
const looseArguments = /"arguments"\s*:\s*/s;

function readStringLiteral(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : literal.slice(1, -1);
  } catch {
    return literal.slice(1, -1);
  }
}

/**
 * Reads a call's name and raw arguments back from the text between the call markers.
 *
 * - The template's own layout gives the arguments text exactly as generated, valid or not (the
 *   suffix is removed only if present).
 * - Otherwise, a body that is a JSON object gives its `name` and its `arguments` (kept as is
 *   when a string, else re-serialised).
 * - Otherwise, the name is searched for as `"name": "..."` and the arguments are everything after
 *   `"arguments":`, minus the closing brace of the call object when
 *   one is left over; a missing name is `""`, missing arguments are `""`.
 */
export function parseToolCallBody(body: string, template: TinyChatTemplate): ParsedToolCallBody {
  const { namePrefix, argumentsSeparator, suffix } = template.toolCall;
  if (body.startsWith(namePrefix)) {
    const literal = jsonStringLiteral.exec(body.slice(namePrefix.length))?.[0];
    if (literal !== undefined) {
      const rest = body.slice(namePrefix.length + literal.length);
      if (rest.startsWith(argumentsSeparator)) {
        const raw = rest.slice(argumentsSeparator.length);
        const argumentsText = suffix.length > 0 && raw.endsWith(suffix) ? raw.slice(0, raw.length - suffix.length) : raw;
        return { name: readStringLiteral(literal), arguments: argumentsText };
      }
    }
  }
  const whole = parseJsonObject(body);
  if (whole !== undefined) {
    const name = typeof whole['name'] === 'string' ? whole['name'] : '';
    const value = whole['arguments'];
    const argumentsText = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return { name, arguments: argumentsText };
  }
  const nameMatch = looseName.exec(body);
  const name = nameMatch?.[1] !== undefined ? readStringLiteral(nameMatch[1]) : '';
  const argumentsMatch = looseArguments.exec(body);
  if (!argumentsMatch) return { name, arguments: '' };
  const raw = body.slice(argumentsMatch.index + argumentsMatch[0].length).trimEnd();
  return { name, arguments: raw.endsWith('}') && closingBraceExcess(raw) > 0 ? raw.slice(0, -1) : raw };
}

/** How many more closing than opening braces `text` has outside JSON strings. */
function closingBraceExcess(text: string): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{') depth += 1;
    else if (character === '}') depth -= 1;
  }
  return -depth;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
