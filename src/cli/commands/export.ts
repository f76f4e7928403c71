import path from 'node:path';
import { Command, Option } from 'commander';
import { ExportError, exportGguf, exportHuggingFace, GgufError } from '../../export/index.js';
import { UserError } from '../user-error.js';

/** Export formats. */
type ExportFormat = 'gguf' | 'safetensors';

interface ExportOptions {
  checkpoint: string;
  format: ExportFormat;
  out?: string;
}

/** Where an export goes when `--out` is not given: beside the checkpoint folder. */
function defaultOutput(checkpoint: string, format: ExportFormat): string {
  const folder = path.resolve(checkpoint);
  return format === 'gguf' ? `${folder}.gguf` : `${folder}-hf`;
}

/** `fate export`: a checkpoint as GGUF (llama.cpp) or as a Hugging Face LlamaForCausalLM folder. */
export function exportCommand(): Command {
  return new Command('export')
    .description('Export a checkpoint: one GGUF file (llama architecture, F32) for llama.cpp, or a Hugging Face LlamaForCausalLM folder (safetensors)')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder (config.json, model.safetensors, tokenizer.json)')
    .addOption(new Option('--format <format>', 'output format').choices(['gguf', 'safetensors']).makeOptionMandatory())
    .option('--out <path>', 'output file (gguf) or folder (safetensors); default beside the checkpoint: DIR.gguf or DIR-hf/')
    .action(async (options: ExportOptions) => {
      const output = options.out ?? defaultOutput(options.checkpoint, options.format);
      try {
        if (options.format === 'gguf') {
          const result = await exportGguf(options.checkpoint, output);
          process.stdout.write(`gguf: ${path.relative(process.cwd(), result.path) || result.path} (${result.bytes} bytes)\n`);
        } else {
          const result = await exportHuggingFace(options.checkpoint, output);
          process.stdout.write(`safetensors: ${path.relative(process.cwd(), result.path) || result.path}/ (${result.files.join(', ')})\n`);
        }
      } catch (error) {
        if (error instanceof ExportError || error instanceof GgufError) throw new UserError(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOSPC') throw new UserError(`${output}: ${(error as Error).message}`);
        throw error;
      }
    });
}
