import { describe, expect, it } from 'vitest';
import { loadTinyChatTemplate } from './template.js';
import { episodeTools } from './test-support.js';
import { renderToolList, shortDescription } from './tool-list.js';

const defaults = loadTinyChatTemplate();
/** The default template keeps no descriptions (short contexts); these tests render them. */
const withDescriptions = { ...defaults, toolList: { ...defaults.toolList, descriptionMaxCharacters: 60, showArguments: true } };

describe('tool list', () => {
  it('renders one compact line per tool with optional arguments marked', () => {
    expect(renderToolList(episodeTools, withDescriptions).split('\n')).toEqual([
      "read_file(file_name) - Reads a file from the user's cloud drive and returns its...",
      "send_money(recipient, amount, subject, date?) - Sends money from the user's account to an IBAN.",
      'get_balance() - Returns the balance',
    ]);
  });

  it('keeps the first sentence and cuts long descriptions at a word with an ellipsis', () => {
    expect(shortDescription('First sentence. Second one.', 60, '...')).toBe('First sentence.');
    const cut = shortDescription('Searches all the emails in the inbox for a query string and returns matches', 40, '...');
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toBe('Searches all the emails in the inbox...');
    expect(shortDescription('', 40, '...')).toBe('');
  });
});

describe('tool list without arguments', () => {
  it('lists only tool names when the template hides arguments', () => {
    const namesOnly = { ...defaults, toolList: { ...defaults.toolList, showArguments: false, descriptionMaxCharacters: 0 } };
    expect(renderToolList(episodeTools, namesOnly).split('\n')).toEqual(['read_file', 'send_money', 'get_balance']);
  });
});
