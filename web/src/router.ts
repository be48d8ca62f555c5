// Hash routes (`#/incidents/<id>`): the platform serves one index.html at `/`, so deep
// links need no server-side routing.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "home" }
  | { name: "board" }
  | { name: "incident"; id: string }
  | { name: "component"; id: string }
  | { name: "oncall" }
  | { name: "portal" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (head === "board") return { name: "board" };
  if (head === "oncall") return { name: "oncall" };
  if (head === "portal") return { name: "portal" };
  if (head === "incidents" && id) return { name: "incident", id };
  if (head === "components" && id) return { name: "component", id };
  return { name: "home" };
}

export const href = {
  board: () => "#/board",
  oncall: () => "#/oncall",
  portal: () => "#/portal",
  incident: (id: string) => `#/incidents/${encodeURIComponent(id)}`,
  component: (id: string) => `#/components/${encodeURIComponent(id)}`,
};

export function navigate(to: string): void {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
