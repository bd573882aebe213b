const given = new WeakMap<object, number>();

/**
 * The next id or number of an emulated collection: one above both the highest it holds and the
 * highest ever given, so that removing the newest record never hands its number to the next one.
 * Platforms number from a counter (ServiceNow's sys_number_counter, Halo's identity column,
 * PagerDuty's incident numbers): a reused number would make two records look like one.
 */
export function nextNumber(collection: object, highestHeld: number): number {
  const next = Math.max(highestHeld, given.get(collection) ?? 0) + 1;
  given.set(collection, next);
  return next;
}

/** An emulator restored to its seed in place starts numbering from what the seed holds again. */
export function forgetNumbers(collection: object): void {
  given.delete(collection);
}
