/** Exhaustiveness guard for switches over unions: the compiler proves it unreachable; at run time it names the stray value. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
