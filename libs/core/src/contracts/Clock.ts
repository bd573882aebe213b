/** Injected time source so that code and tests never read the wall clock directly. */
export interface Clock {
  now(): Date;
}
