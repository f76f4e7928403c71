import { decodingOverridesSchema, type DecodingOverrides } from '../policies/tiny/decoding.js';
import { PhaseLedgerError, type PhaseLedger } from './phase-ledger.js';

/**
 * The decoding an evolve run was started with (the config's `decoding` section, stored in its
 * ledger's options), so that a resumed run samples as it began; `{}` (the evaluation decoding)
 * for a run from before runs stored it. A stored value that is not a valid decoding section throws
 * {@link PhaseLedgerError} naming the ledger file and the field.
 */
export function ledgerDecoding(ledger: PhaseLedger): DecodingOverrides {
  const parsed = decodingOverridesSchema.optional().safeParse(ledger.options.decoding);
  if (parsed.success) return parsed.data ?? {};
  const issue = parsed.error.issues[0];
  const field = ['decoding', ...(issue?.path ?? []).map(String)].join('.');
  throw new PhaseLedgerError(`${ledger.file}: options field ${field}: ${issue?.message ?? 'invalid'}`);
}
