import { describe, expect, it } from "vitest";
import {
  assertWebhookTarget,
  forbiddenRange,
  parseCidrList,
  webhookPolicy,
  type WebhookTargetPolicy,
} from "./webhook-target.js";

const none = webhookPolicy([]);
const customer = { staff: false, policy: none };

describe("forbiddenRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "linkLocal"],
    ["169.254.169.254", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["fd00:ec2::254", "uniqueLocal"],
    ["10.1.2.3", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["100.100.100.200", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["239.1.1.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "reserved"],
    ["64:ff9b::a9fe:a9fe", "rfc6052"],
    ["2002:7f00:1::", "6to4"],
    ["not-an-ip", "invalid"],
  ])("refuses %s (%s)", (address, range) => {
    expect(forbiddenRange(address, customer)).toBe(range);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.215.14"])(
    "allows the public address %s",
    (address) => expect(forbiddenRange(address, customer)).toBeNull(),
  );

  it("applies the allow-list to staff endpoints only, by family", () => {
    const policy = webhookPolicy(["10.0.0.0/8", "fd00::/8"]);
    expect(forbiddenRange("10.9.9.9", { staff: true, policy })).toBeNull();
    expect(forbiddenRange("::ffff:10.9.9.9", { staff: true, policy })).toBeNull();
    expect(forbiddenRange("fd00::5", { staff: true, policy })).toBeNull();
    expect(forbiddenRange("10.9.9.9", { staff: false, policy })).toBe("private");
    expect(forbiddenRange("127.0.0.1", { staff: true, policy })).toBe("loopback");
  });

  it("rejects malformed CIDRs, naming the entry", () => {
    expect(() => parseCidrList("10.0.0.0/8, nope")).toThrow(/nope/);
    expect(parseCidrList(" 10.0.0.0/8 ,, ::1/128 ")).toHaveLength(2);
  });
});

describe("assertWebhookTarget", () => {
  const resolvingTo =
    (address: string): WebhookTargetPolicy["lookup"] =>
    (_host, _opts, cb) =>
      cb(null, [{ address, family: address.includes(":") ? 6 : 4 }]);

  it("refuses a name that resolves to a forbidden address, naming url", async () => {
    const policy = { allowPrivate: [], lookup: resolvingTo("169.254.169.254") };
    await expect(
      assertWebhookTarget("https://metadata.example/x", { staff: false, policy }),
    ).rejects.toMatchObject({ code: "VALIDATION", issues: [{ path: "url" }] });
  });

  it("accepts a name resolving to a public address, and one that does not resolve yet", async () => {
    const policy = { allowPrivate: [], lookup: resolvingTo("93.184.215.14") };
    await assertWebhookTarget("https://hooks.example/x", { staff: false, policy });
    const nx: WebhookTargetPolicy = {
      allowPrivate: [],
      lookup: (_h, _o, cb) => cb(Object.assign(new Error("nx"), { code: "ENOTFOUND" }), []),
    };
    await assertWebhookTarget("https://hooks.example/x", { staff: false, policy: nx });
  });

  it("refuses localhost names and URLs with credentials without resolving them", async () => {
    const policy = {
      allowPrivate: [],
      lookup: () => {
        throw new Error("must not resolve");
      },
    };
    for (const url of ["https://localhost/", "https://api.localhost./", "https://u:p@x.example/"])
      await expect(assertWebhookTarget(url, { staff: false, policy })).rejects.toMatchObject({
        issues: [{ path: "url" }],
      });
  });
});
