// Who may be in which room. The server decides: staff watch every contract through `noc`;
// a customer only ever hears its own contract's room.
import type { Actor } from "../access/actor.js";
import { AppError } from "../shared/errors.js";
import { contractRoom, NOC_ROOM } from "./messages.js";

const STAFF = new Set(["admin", "noc", "oncall"]);

export const isStaff = (actor: Actor): boolean => STAFF.has(actor.role);

/** The rooms a socket is put in at connection. */
export function initialRooms(actor: Actor): string[] {
  if (isStaff(actor)) return [NOC_ROOM];
  return actor.contractId ? [contractRoom(actor.contractId)] : [];
}

/** Throws FORBIDDEN naming the field when `actor` may not join `room`. */
export function assertMayJoin(actor: Actor, room: string): void {
  if (isStaff(actor)) return;
  if (actor.contractId && room === contractRoom(actor.contractId)) return;
  throw new AppError("FORBIDDEN", `a ${actor.role} may not join room ${room}`, [
    {
      path: "room",
      message:
        room === NOC_ROOM
          ? "the noc room is for roles admin, noc and oncall"
          : "a customer may join only its own contract's room",
    },
  ]);
}
