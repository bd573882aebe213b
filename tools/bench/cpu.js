'use strict';
/**
 * CPU seconds spent by the hub, by this process (the API clients and the emulators) and by the
 * PostgreSQL server over a benchmark phase, read from Linux's /proc. On this machine all three
 * share the cores, so a phase that uses them all is bounded by the machine, not by the hub alone.
 * Elsewhere (no /proc) the columns stay empty.
 */
const { readdirSync, readFileSync } = require('node:fs');

const TICKS_PER_SECOND = 100;

function ticksOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, then cutime and cstime: a server's exited children count too.
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return undefined;
  }
}

function postgresTicks() {
  let total = 0;
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let command;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command === 'postgres') total += ticksOf(pid) ?? 0;
  }
  return total;
}

/** Starts a measurement; `stop()` answers CPU seconds per process since the start. */
function cpuMeter(hubPid) {
  const start = { hub: ticksOf(hubPid), postgres: postgresTicks(), self: process.cpuUsage() };
  return {
    stop() {
      const hub = ticksOf(hubPid);
      const postgres = postgresTicks();
      const self = process.cpuUsage(start.self);
      return {
        hub: hub === undefined || start.hub === undefined ? NaN : (hub - start.hub) / TICKS_PER_SECOND,
        postgres: postgres === undefined || start.postgres === undefined ? NaN : (postgres - start.postgres) / TICKS_PER_SECOND,
        bench: (self.user + self.system) / 1e6,
      };
    },
  };
}

module.exports = { cpuMeter };
