import { describe, expect, it } from "vitest";
import {
  TARIFF_2026,
  TARIFF_VERSIONS,
  type Tariff,
  findTariff,
  tariffFor,
  withOverrides,
} from "./tariff.js";

const version = (effectiveFrom: string, baseYen: number): Tariff => ({
  ...TARIFF_2026,
  version: effectiveFrom,
  effectiveFrom,
  plans: { ...TARIFF_2026.plans, standard: { ...TARIFF_2026.plans.standard, baseYen } },
});

describe(tariffFor.name, () => {
  const versions = [version("2027-01", 25_000), TARIFF_2026, version("2028-04", 30_000)];

  it.each([
    ["2026-12", "2026-01"],
    ["2027-01", "2027-01"],
    ["2028-03", "2027-01"],
    ["2028-04", "2028-04"],
  ])("prices %s with version %s", (month, expected) => {
    expect(tariffFor(month, versions).version).toBe(expected);
  });

  it("has no tariff before the first version", () => {
    expect(findTariff("1999-12", versions)).toBeUndefined();
    expect(() => tariffFor("1999-12", versions)).toThrow(RangeError);
  });

  it("holds the SPEC defaults", () => {
    expect(tariffFor("2026-11", TARIFF_VERSIONS)).toMatchObject({
      tierMode: "graduated",
      initialFeeYen: 50_000,
      initialFeeCoversComponents: 5,
      extraComponentInitialYen: 10_000,
      defaultCapSeries: 200,
      capRelaxationStepSeries: 200,
      capRelaxationYen: 2_000,
      relaxationChargedPerStep: true,
      incidentQuotaPerMonth: 3,
      incidentOverageYen: null,
      runbookAllowanceMinutesPerComponent: 60,
      runbookOverageYenPerHour: null,
      taxRatePercent: 10,
    });
  });
});

describe(withOverrides.name, () => {
  it("replaces only the given settings", () => {
    const t = withOverrides(TARIFF_2026, { incidentOverageYen: 5_000, taxRatePercent: undefined });
    expect(t.incidentOverageYen).toBe(5_000);
    expect(t.taxRatePercent).toBe(10);
    expect(TARIFF_2026.incidentOverageYen).toBeNull();
  });
});
