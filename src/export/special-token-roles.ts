/**
 * Which of a checkpoint's special tokens play the roles other runtimes ask for (begin and end of
 * sequence, end of turn, padding). fate's tokenizers are trained with the tiny chat template's
 * special tokens, so the roles are looked up by the template's spellings; a tokenizer without
 * them simply has no such role.
 */
import type { Tokenizer } from '../nn/tokenizer/index.js';
import { loadTinyChatTemplate, type TinyChatTemplate } from '../policies/tiny/chat-template/index.js';

/** Token ids by role; a role the tokenizer does not have is absent. */
export interface SpecialTokenRoles {
  /** Begin of sequence. */
  beginOfSequence?: number;
  /** End of sequence. */
  endOfSequence?: number;
  /** End of an assistant (or any) turn: where generation stops. */
  endOfTurn?: number;
  /** Padding. */
  padding?: number;
}

/** The ids of the template's begin/end-of-sequence, end-of-turn and padding tokens in `tokenizer`. */
export function specialTokenRoles(tokenizer: Tokenizer, template: TinyChatTemplate = loadTinyChatTemplate()): SpecialTokenRoles {
  const lookUp = (spelling: string): number | undefined => {
    const id = tokenizer.tokenToId(spelling);
    return id !== undefined && tokenizer.isSpecialTokenId(id) ? id : undefined;
  };
  const roles: SpecialTokenRoles = {};
  const entries: Array<[keyof SpecialTokenRoles, string]> = [
    ['beginOfSequence', template.specialTokens.beginOfSequence],
    ['endOfSequence', template.specialTokens.endOfSequence],
    ['endOfTurn', template.specialTokens.endOfTurn],
    ['padding', template.specialTokens.padding],
  ];
  for (const [role, spelling] of entries) {
    const id = lookUp(spelling);
    if (id !== undefined) roles[role] = id;
  }
  return roles;
}
