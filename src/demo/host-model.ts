// A simulated Linux VM: what node_exporter (and the bundled agent) would report for it at a
// given moment, including the trouble its scenario scripts. Pure apart from the injected
// random source, so the shapes of the breaches are unit-tested.

export type Scenario =
  | { kind: "healthy" }
  | {
      kind: "cpu_spike" | "memory_leak" | "disk_fill" | "silent";
      /** Seconds after start of the first episode; episodes repeat every `everyS`. */
      startS: number;
      durationS: number;
      everyS: number;
    };

export interface HostSpec {
  name: string;
  cpus: number;
  memGiB: number;
  disks: Record<string, number>;
  scenario: Scenario;
}

export interface SeriesSample {
  name: string;
  labels: Record<string, string>;
  samples: [number, number][];
}

const GiB = 2 ** 30;
type One = (name: string, v: number, labels?: Record<string, string>) => SeriesSample;

/** Progress 0..1 through the current episode of the scenario, or null outside one. */
export function episodeProgress(scenario: Scenario, elapsedS: number): number | null {
  if (scenario.kind === "healthy" || elapsedS < scenario.startS) return null;
  const into = (elapsedS - scenario.startS) % scenario.everyS;
  return into < scenario.durationS ? into / scenario.durationS : null;
}

export class SimulatedHost {
  private load5 = 0;
  private load15 = 0;
  private rxBytes = 0;
  private txBytes = 0;
  private readonly bootS: number;
  /** Per CPU: cumulative idle and user seconds (node_cpu_seconds_total). */
  private readonly idleS: number[];
  private readonly userS: number[];

  constructor(
    readonly spec: HostSpec,
    startMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.bootS = Math.floor(startMs / 1000) - 86_400 * (3 + Math.floor(random() * 40));
    const upS = Math.floor(startMs / 1000) - this.bootS;
    this.idleS = Array.from({ length: spec.cpus }, () => upS * 0.75);
    this.userS = Array.from({ length: spec.cpus }, () => upS * 0.25);
  }

  /** True while the scenario has the agent silent: nothing is pushed. */
  isSilent(elapsedS: number): boolean {
    return (
      this.spec.scenario.kind === "silent" && episodeProgress(this.spec.scenario, elapsedS) !== null
    );
  }

  /** One collection at `tMs`, `elapsedS` after the demo started, `intervalS` after the last. */
  sample(elapsedS: number, tMs: number, intervalS: number): SeriesSample[] {
    const { spec } = this;
    const p = episodeProgress(spec.scenario, elapsedS);
    const kind = p === null ? "healthy" : spec.scenario.kind;
    const jitter = (amp: number) => (this.random() - 0.5) * 2 * amp;
    const busy = clamp(kind === "cpu_spike" ? 0.97 + jitter(0.02) : 0.25 + jitter(0.1), 0, 1);
    const load1 = Math.max(0, busy * spec.cpus * (1 + jitter(0.15)));
    this.load5 += (load1 - this.load5) * Math.min(1, intervalS / 300);
    this.load15 += (load1 - this.load15) * Math.min(1, intervalS / 900);
    this.rxBytes += Math.round((2e6 + jitter(1e6)) * intervalS);
    this.txBytes += Math.round((8e5 + jitter(4e5)) * intervalS);
    const one: One = (name, v, labels = {}) => ({
      name,
      labels,
      samples: [[tMs, v]],
    });
    const cpu: SeriesSample[] = [];
    for (let i = 0; i < spec.cpus; i++) {
      const b = clamp(busy + jitter(0.02), 0, 1);
      this.idleS[i]! += (1 - b) * intervalS;
      this.userS[i]! += b * intervalS;
      const labels = (mode: string) => ({ cpu: String(i), mode });
      cpu.push(one("node_cpu_seconds_total", round(this.idleS[i]!, 2), labels("idle")));
      cpu.push(one("node_cpu_seconds_total", round(this.userS[i]!, 2), labels("user")));
    }
    return [
      ...cpu,
      one("node_load1", round(load1, 2)),
      one("node_load5", round(this.load5, 2)),
      one("node_load15", round(this.load15, 2)),
      ...this.memory(kind === "memory_leak" ? p : null, jitter, one),
      ...this.filesystems(kind === "disk_fill" ? p : null, one),
      one("node_network_receive_bytes_total", this.rxBytes, { device: "eth0" }),
      one("node_network_transmit_bytes_total", this.txBytes, { device: "eth0" }),
      one("node_procs_running", Math.max(1, Math.round(load1 + 1))),
      one("node_boot_time_seconds", this.bootS),
      one("node_uptime_seconds", Math.floor(tMs / 1000) - this.bootS),
    ];
  }

  /** A leak eats available memory down to ~3 % over the first quarter of the episode. */
  private memory(leak: number | null, jitter: (a: number) => number, one: One): SeriesSample[] {
    const total = this.spec.memGiB * GiB;
    const healthy = 0.5 + jitter(0.05);
    const ratio = leak === null ? healthy : Math.max(0.03, 0.5 - (0.47 * leak) / 0.25);
    const available = Math.round(total * ratio);
    const cached = Math.round(total * 0.2);
    const m = (field: string, v: number) => one(`node_memory_${field}_bytes`, v);
    return [
      m("MemTotal", total),
      m("MemAvailable", available),
      m("MemFree", Math.max(0, available - cached)),
      m("Cached", cached),
      m("Buffers", Math.round(total * 0.02)),
    ];
  }

  /** A filling disk goes from 12 % to 2 % available on its last mountpoint, then is cleaned. */
  private filesystems(fill: number | null, one: One): SeriesSample[] {
    const mounts = Object.entries(this.spec.disks);
    return mounts.flatMap(([mountpoint, sizeGiB], i) => {
      const size = sizeGiB * GiB;
      const filling = fill !== null && i === mounts.length - 1;
      const ratio = filling ? 0.12 - 0.1 * fill : 0.62 - 0.2 * i;
      const labels = {
        device: `/dev/vd${String.fromCharCode(97 + i)}1`,
        fstype: i === 0 ? "ext4" : "xfs",
        mountpoint,
      };
      const avail = Math.round(size * ratio);
      return [
        one("node_filesystem_size_bytes", size, labels),
        one("node_filesystem_avail_bytes", avail, labels),
        one("node_filesystem_free_bytes", avail + Math.round(size * 0.05), labels),
      ];
    });
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
