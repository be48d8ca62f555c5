// Simulated agents: each demo VM pushes its SimulatedHost's collection through the real
// ingest endpoint (POST /api/v1/ingest/agent, the bundled agent's JSON batch) with its own
// component token — the same path, auth, cap and rate limit a customer's agent goes through.
import { randomUUID } from "node:crypto";
import { SimulatedHost, type HostSpec } from "./host-model.js";

export interface SimulatedTarget {
  componentId: string;
  token: string;
  spec: HostSpec;
}

export interface SimulatorStats {
  pushes: number;
  failures: number;
  lastError: string | null;
}

export class AgentSimulator {
  readonly stats: SimulatorStats = { pushes: 0, failures: 0, lastError: null };
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private startMs = 0;
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly targets: readonly SimulatedTarget[],
    private readonly intervalS: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  start(nowMs = Date.now()): void {
    this.startMs = nowMs;
    this.targets.forEach((target, i) => {
      const host = new SimulatedHost(target.spec, nowMs);
      const tick = () => this.track(this.push(target, host));
      // Spread first pushes over a second so the VMs do not all arrive in one burst.
      const first = setTimeout(
        () => {
          tick();
          this.timers.push(setInterval(tick, this.intervalS * 1000));
        },
        (i * 1000) / this.targets.length,
      );
      this.timers.push(first);
    });
  }

  /** Stops the timers and waits for pushes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async push(target: SimulatedTarget, host: SimulatedHost): Promise<void> {
    if (this.stopped) return;
    const nowMs = Date.now();
    const elapsedS = (nowMs - this.startMs) / 1000;
    if (host.isSilent(elapsedS)) return; // the scenario's agent outage: nothing arrives
    const batch = {
      version: 1,
      agent: { name: "msp-demo-agent", version: "0.1.0" },
      os: "linux",
      host: target.spec.name,
      series: host.sample(elapsedS, nowMs, this.intervalS),
    };
    try {
      const res = await fetch(`${this.baseUrl}/api/v1/ingest/agent`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.token}`,
          "content-type": "application/json",
          "idempotency-key": randomUUID(),
        },
        body: JSON.stringify(batch),
      });
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      this.stats.pushes++;
    } catch (err) {
      if (this.stopped) return; // the platform is going down with us
      this.stats.failures++;
      this.stats.lastError = `${target.spec.name}: ${(err as Error).message}`;
      this.onError(this.stats.lastError);
    }
  }
}
