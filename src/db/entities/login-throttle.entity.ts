import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * Failed-login counters, one row per throttled key (`account:<email>` or `address:<ip>`),
 * shared by every process through the database. See src/accounts/login-throttle.ts.
 */
@Entity("login_throttles")
export class LoginThrottleEntity {
  @PrimaryColumn({ type: "text" }) key: string;
  @Column({ type: "integer" }) failures: number;
  @Column({ type: "timestamptz" }) windowStart: Date;
  @Column({ type: "timestamptz", nullable: true }) lockedUntil: Date | null;
}
