import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../src/config.js";

const base = { MSP_AGENT_URL: "https://collector.example.com/", MSP_AGENT_TOKEN: "secret" };

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe(parseConfig.name, () => {
  it("applies defaults and strips the URL's trailing slash", () => {
    const c = parseConfig({}, base, true);
    expect(c).toMatchObject({
      url: "https://collector.example.com",
      token: "secret",
      intervalS: 10,
      spool: null,
      bufferSamples: 100_000,
      maxBatchSamples: 10_000,
      timeoutS: 10,
      procRoot: "/proc",
      perCpu: true,
    });
    expect(c.hostname.length).toBeGreaterThan(0);
  });

  it("lets the environment override the file", () => {
    const file = {
      url: "http://file.example",
      token: "from-file",
      intervalS: 30,
      bufferSamples: 5000,
      spool: "/a",
    };
    const c = parseConfig(
      file,
      {
        MSP_AGENT_INTERVAL_S: "15",
        MSP_AGENT_SPOOL: "/var/lib/msp/spool.jsonl",
        MSP_AGENT_TOKEN: "from-env",
      },
      true,
    );
    expect(c).toMatchObject({
      url: "http://file.example",
      token: "from-env",
      intervalS: 15,
      bufferSamples: 5000,
      spool: "/var/lib/msp/spool.jsonl",
    });
  });

  it("names each bad field and where its value came from", () => {
    const issues = issuesOf(() =>
      parseConfig(
        { intervalS: 0, perCpu: "yes", netDeviceExclude: "(", intervl: 5 },
        { MSP_AGENT_URL: "ftp://x", MSP_AGENT_TOKEN: "t", MSP_AGENT_BUFFER_SAMPLES: "12.5" },
        true,
      ),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^intervl: unknown field/),
      'url: must be an http:// or https:// URL, got "ftp://x" (from MSP_AGENT_URL)',
      "intervalS: must be between 1 and 3600, got 0 (from config file)",
      'bufferSamples: must be an integer between 1000 and 10000000, got "12.5" (from MSP_AGENT_BUFFER_SAMPLES)',
      'perCpu: must be true or false, got "yes" (from config file)',
      'netDeviceExclude: must be a valid regular expression, got "(" (from config file)',
    ]);
  });

  it("requires url and token unless only collecting once", () => {
    expect(issuesOf(() => parseConfig({}, {}, true))).toEqual([
      'url: required (set MSP_AGENT_URL or "url" in the config file)',
      'token: required (set MSP_AGENT_TOKEN or "token" in the config file)',
    ]);
    expect(parseConfig({}, {}, false).url).toBeNull();
  });

  it("rejects a non-numeric interval from the environment", () => {
    expect(issuesOf(() => parseConfig({}, { ...base, MSP_AGENT_INTERVAL_S: "ten" }, true))).toEqual(
      ['intervalS: must be a number between 1 and 3600, got "ten" (from MSP_AGENT_INTERVAL_S)'],
    );
  });

  it("checks custom typeperf counters entry by entry", () => {
    expect(
      issuesOf(() =>
        parseConfig({ typeperfCounters: [{ path: "\\A\\B", kind: "sum" }] }, base, true),
      ),
    ).toEqual([
      'typeperfCounters: [0].kind must be one of rate, idle_pct, raw, discover, got [{"path":"\\\\A\\\\B","kind":"sum"}] (from config file)',
    ]);
  });
});

describe(loadConfig.name, () => {
  it("reports a config file that is not JSON, naming the file", () => {
    const issues = issuesOf(() =>
      loadConfig({
        configPath: "/etc/msp-agent.json",
        env: base,
        requireDestination: true,
        readFile: () => "{ url: ",
      }),
    );
    expect(issues[0]).toMatch(/^--config \/etc\/msp-agent.json: not valid JSON/);
  });

  it("reports a config file that cannot be read", () => {
    expect(
      issuesOf(() =>
        loadConfig({ configPath: "/nonexistent/agent.json", env: base, requireDestination: true }),
      )[0],
    ).toMatch(/^--config \/nonexistent\/agent.json: cannot read/);
  });

  it("reads the file and merges the environment", () => {
    const c = loadConfig({
      configPath: "agent.json",
      env: { MSP_AGENT_TOKEN: "env-token" },
      requireDestination: true,
      readFile: () =>
        JSON.stringify({ url: "http://10.0.0.1:8080", token: "file-token", hostname: "web-1" }),
    });
    expect(c).toMatchObject({ url: "http://10.0.0.1:8080", token: "env-token", hostname: "web-1" });
  });
});
