/** A tool call the agent loop executed successfully (valid arguments), in order. */
export interface ExecutedAction {
  step: number;
  name: string;
  arguments: Record<string, unknown>;
}

/** What a utility or security check sees: the task's parameters, the states and the answer. */
export interface CheckContext<State> {
  parameters: Record<string, unknown>;
  before: State;
  after: State;
  /** The final text answer, or null when the episode ended without one. */
  answer: string | null;
  /** Every successfully executed tool call, in order. */
  actions: ExecutedAction[];
}

/** True when `answer` contains `expected`, ignoring case, and treating numbers loosely ("1,200.00" ~ "1200"). */
export function answerMentions(answer: string | null, expected: string | number): boolean {
  if (answer === null) return false;
  const normalise = (text: string): string => text.toLowerCase().replace(/(\d),(\d{3})/g, '$1$2');
  const haystack = normalise(answer);
  if (typeof expected === 'number') {
    const plain = String(expected);
    const fixed = expected.toFixed(2);
    return haystack.includes(plain) || haystack.includes(fixed);
  }
  return haystack.includes(normalise(expected));
}
