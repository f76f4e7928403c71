import { Command } from 'commander';
import Table from 'cli-table3';
import { describeSuites } from '../../suites/describe.js';
import { splits } from '../../suites/split.js';
import { loadConfig } from '../config.js';

/** `fate suites`: list suites, template families, attacks and split sizes. */
export function suitesCommand(): Command {
  return new Command('suites')
    .description('List the suites, their template families, attacks and split sizes')
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
      for (const split of splits) {
        const ids = injection.userTaskTemplates.filter((template) => template.split === split).map((template) => template.id);
        lines.push(`  user-task templates, ${split} (${ids.length}): ${ids.join(', ')}`);
      }
      lines.push(`  injection goals (${injection.injectionGoals.length}): ${injection.injectionGoals.map((goal) => goal.id).join(', ')}`);
      for (const attack of injection.attacks) lines.push(`  attack ${attack.id} [${attack.split}]: ${attack.description}`);
      lines.push('Harm suite (AgentHarm-style, each behaviour with a benign twin)');
      lines.push(`  tools (${harm.tools.length}): ${harm.tools.join(', ')}`);
      for (const split of splits) {
        const ids = harm.behaviours.filter((behaviour) => behaviour.split === split).map((behaviour) => `${behaviour.id} (${behaviour.category})`);
        lines.push(`  behaviours, ${split} (${ids.length}): ${ids.join(', ')}`);
      }
      lines.push('Split sizes (tasks)');
      lines.push(sizes.toString());
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
