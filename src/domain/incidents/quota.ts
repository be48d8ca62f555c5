// The monthly response quota (SPEC 4, Appx 2 notes): the nth response of a JST month is
// overage when n exceeds the quota. Callers count under a lock, so n is exact.

export interface QuotaUnit {
  /** 1-based position among this month's consumed units. */
  ordinal: number;
  overage: boolean;
}

export function nextQuotaUnit(consumedThisMonth: number, quotaPerMonth: number): QuotaUnit {
  const ordinal = consumedThisMonth + 1;
  return { ordinal, overage: ordinal > quotaPerMonth };
}

export interface QuotaStatus {
  quota: number;
  used: number;
  remaining: number;
  overage: number;
}

export function quotaStatus(consumed: number, quotaPerMonth: number): QuotaStatus {
  return {
    quota: quotaPerMonth,
    used: consumed,
    remaining: Math.max(0, quotaPerMonth - consumed),
    overage: Math.max(0, consumed - quotaPerMonth),
  };
}
