import { renderTemplate } from '../envs/text-template.js';
import { collapseWhitespace } from '../envs/whitespace.js';
import type { OpenAiTool } from '../trajectory/message.js';
import { loadDiagnosisTemplate, type DiagnosisPromptStyle, type DiagnosisTemplate } from './prompt-template.js';
import type { DiagnosisRecord } from './record.js';
import { diagnosisTaxonomy } from './taxonomy.js';
import { renderTrajectoryForDiagnosis, shortenMiddle } from './trajectory-text.js';

/** The first sentence of a tool description, cut to `limit` characters. */
function shortDescription(description: string, limit: number, ellipsis: string): string {
  const collapsed = collapseWhitespace(description);
  const sentence = /^(.+?[.!?])(\s|$)/.exec(collapsed)?.[1] ?? collapsed;
  return shortenMiddle(sentence, limit, ellipsis);
}

function renderTools(tools: readonly OpenAiTool[], template: DiagnosisTemplate): string {
  if (tools.length === 0) return template.tools.none;
  return tools
    .map((tool) =>
      renderTemplate(template.tools.line, {
        name: tool.function.name,
        description: shortDescription(tool.function.description, template.tools.maxDescriptionCharacters, template.trajectory.ellipsis),
      }),
    )
    .join(template.tools.lineSeparator);
}

/**
 * The diagnosis prompt of a trajectory: the template of `style` (`data/templates/diagnosis-<style>.json`)
 * filled with the tools offered, the trajectory rendered within the template's budget, and
 * ATBench's label vocabulary (`data/diagnosis/taxonomy.json`). Uses only the conversation, never
 * the gold diagnosis. A policy gets it as one plain user message.
 */
export function buildDiagnosisPrompt(
  record: Pick<DiagnosisRecord, 'messages' | 'tools'>,
  style: DiagnosisPromptStyle,
  template: DiagnosisTemplate = loadDiagnosisTemplate(style),
): string {
  const taxonomy = diagnosisTaxonomy();
  return renderTemplate(template.message, {
    tools: renderTools(record.tools, template),
    trajectory: renderTrajectoryForDiagnosis(record.messages, template.trajectory),
    riskSources: taxonomy.riskSource.join(template.labelSeparator),
    failureModes: taxonomy.failureMode.join(template.labelSeparator),
    realWorldHarms: taxonomy.realWorldHarm.join(template.labelSeparator),
  });
}
