/** Prefix of booked transaction ids ("tx-40321"). */
export const transactionIdPrefix = 'tx-';
/** Prefix of scheduled payment ids ("sp-204"). */
export const scheduledPaymentIdPrefix = 'sp-';

/** The next free identifier with `prefix`: one above the highest number among `identifiers`, or `prefix` + `first`. */
export function nextIdentifier(prefix: string, identifiers: readonly string[], first = 1): string {
  let highest = first - 1;
  for (const identifier of identifiers) {
    if (!identifier.startsWith(prefix)) continue;
    const number = Number(identifier.slice(prefix.length));
    if (Number.isInteger(number)) highest = Math.max(highest, number);
  }
  return `${prefix}${highest + 1}`;
}
