import { Command } from 'commander';
import Table from 'cli-table3';
import { describeSuites } from '../../suites/describe.js';
import { splits, type Split } from '../../suites/split.js';
import { loadConfig } from '../config.js';

/** `fate suites`: list suites, task kinds with their phrasings per split, attacks and split sizes. */
export function suitesCommand(): Command {
  return new Command('suites')
    .description('List the suites, their task kinds and phrasing families per split, attacks and split sizes')
    .option('--json', 'print as JSON')
    .option('--config <file>', 'config file (default ./fate.config.json when present)')
    .action((options: { json?: boolean; config?: string }) => {
      const config = loadConfig(options.config);
      const description = describeSuites(config.suites ?? {});
      if (options.json) {
        process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
        return;
      }
      const { injection, harm } = description;
      const sizes = new Table({ head: ['split', 'benign', 'attacked', 'harmful', 'benign twins'], style: { head: [], border: [] } });
      for (const split of splits) {
        sizes.push([split, injection.sizes[split].benign, injection.sizes[split].attacked, harm.sizes[split].harmful, harm.sizes[split].benignTwin]);
      }
      const lines: string[] = [];
      lines.push('Injection suite (AgentDojo-style)');
      for (const domain of injection.domains) lines.push(`  domain ${domain.name}: ${domain.tools.length} tools (${domain.tools.join(', ')})`);
      const perSplit = (counts: Record<Split, number>): string => splits.map((split) => counts[split]).join('/');
      lines.push(`  user-task templates (${injection.userTaskTemplates.length}, in every split; phrasings train/dev/test):`);
      for (const domain of injection.domains) {
        const templates = injection.userTaskTemplates.filter((template) => template.domain === domain.name);
        lines.push(`    ${domain.name}: ${templates.map((template) => `${template.id} ${perSplit(template.phrasingsPerSplit)}`).join(', ')}`);
      }
      lines.push(`  injection goals (${injection.injectionGoals.length}; phrasings train/dev/test): ${injection.injectionGoals.map((goal) => `${goal.id} ${perSplit(goal.phrasingsPerSplit)}`).join(', ')}`);
      for (const attack of injection.attacks) lines.push(`  attack ${attack.id} [${attack.split}]: ${attack.description}`);
      lines.push('Harm suite (AgentHarm-style, each behaviour with a benign twin)');
      lines.push(`  tools (${harm.tools.length}): ${harm.tools.join(', ')}`);
      lines.push(`  behaviours (${harm.behaviours.length}, in every split; harmful + benign phrasings train/dev/test):`);
      for (const behaviour of harm.behaviours) {
        lines.push(`    ${behaviour.id} (${behaviour.category}) ${perSplit(behaviour.harmfulPhrasingsPerSplit)} + ${perSplit(behaviour.benignPhrasingsPerSplit)}`);
      }
      lines.push('Split sizes (tasks)');
      lines.push(sizes.toString());
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
