// CPU time from /proc (Linux; 0 elsewhere), for the export benchmarks: a process's, or
// the calling process's main thread alone (without its worker, GC and libuv threads).
import { readFileSync } from "node:fs";

/** User + system CPU ms so far of the process or thread whose stat file this is (10 ms ticks). */
function statCpuMs(path) {
  try {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

export const processCpuMs = (pid) => statCpuMs(`/proc/${pid}/stat`);
export const mainThreadCpuMs = () => statCpuMs(`/proc/self/task/${process.pid}/stat`);
