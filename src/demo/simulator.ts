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
  private startMs = 0;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly targets: readonly SimulatedTarget[],
    private readonly intervalS: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  start(nowMs = Date.now()): void {
    this.startMs = nowMs;
    const hosts = this.targets.map((t) => ({ target: t, host: new SimulatedHost(t.spec, nowMs) }));
    this.running = this.loop(hosts);
  }

  /** Stops after the push in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  // One push at a time, VM after VM, every interval: the demo's agents should not be what
  // loads a laptop (nor the embedded database's single session) with bursts.
  private async loop(hosts: { target: SimulatedTarget; host: SimulatedHost }[]): Promise<void> {
    while (!this.stopped) {
      const roundStart = Date.now();
      for (const { target, host } of hosts) {
        if (this.stopped) return;
        await this.push(target, host);
      }
      const waitMs = this.intervalS * 1000 - (Date.now() - roundStart);
      if (waitMs > 0 && !this.stopped)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
    }
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
