/** Makes a `switch` over a tagged union fail to compile when a new tag is added and not handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
