import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe(loadConfig.name, () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBeUndefined();
    expect(c.database.dataDir).toBe("./data");
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.roles).toEqual(["api", "collector", "realtime", "scheduler", "notify"]);
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        SMTP_URL: "http://mail",
        ROLES: "api,gardening",
        LOG_LEVEL: "loud",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(names.sort()).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT", "ROLES", "SMTP_URL"]);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).database.url).toBeUndefined();
  });
});
