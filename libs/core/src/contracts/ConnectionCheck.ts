/** One step of `testConnection`, reported to users as is. */
export interface ConnectionCheck {
  /** Stable machine name: `reachability`, `authentication`, `permission:incident`, ... */
  name: string;
  passed: boolean;
  /** Human-readable outcome; on failure the vendor's own message where there is one. */
  message: string;
  /** HTTP status the platform answered with, when the check made a call. */
  status?: number;
  durationMs?: number;
}
