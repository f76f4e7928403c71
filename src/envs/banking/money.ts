/** Rounds an amount to whole cents. */
export function roundAmount(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** An amount as written on bills and statements: two decimals, a dot, no grouping ("1250.50"). */
export function formatAmount(amount: number): string {
  return amount.toFixed(2);
}

/** True when two amounts are equal to the cent. */
export function sameAmount(first: number, second: number): boolean {
  return Math.abs(first - second) < 0.005;
}
