// Reads of the on-call schedule: rotations, one rotation with its overrides, and who is on
// call on each line at an instant (the pure rules in src/domain/oncall decide).
import { ONCALL_LINES, onCallAt, type OnCall } from "../domain/oncall/rotation.js";
import { notFound } from "../shared/errors.js";
import type { OncallStore } from "./oncall.store.js";
import { toOverrideView, toRotationView } from "./views.js";

type Deps = { oncall: OncallStore };

export async function listRotations(deps: Deps) {
  return (await deps.oncall.listRotations()).map(toRotationView);
}

export async function getRotationDetail(deps: Deps, id: string) {
  const row = await deps.oncall.findRotation(id);
  if (!row) throw notFound("rotation");
  const overrides = await deps.oncall.listOverrides(id);
  return { ...toRotationView(row), overrides: overrides.map(toOverrideView) };
}

export type NamedOnCall = (OnCall & { displayName: string }) | null;

/** The first and second line's engineer at `at`, with display names; null for an empty line. */
export async function whoIsOnCall(
  deps: Deps,
  at: Date,
): Promise<{ first: NamedOnCall; second: NamedOnCall }> {
  const { rotations, overrides } = await deps.oncall.schedule();
  const [first, second] = ONCALL_LINES.map((line) =>
    onCallAt(rotations, overrides, line, at.getTime()),
  );
  const ids = [first, second].flatMap((o) => (o ? [o.userId] : []));
  const users = await deps.oncall.users(ids);
  const named = (o: OnCall | null | undefined): NamedOnCall =>
    o ? { ...o, displayName: users.find((u) => u.id === o.userId)?.displayName ?? "" } : null;
  return { first: named(first), second: named(second) };
}
