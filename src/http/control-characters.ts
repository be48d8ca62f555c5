// Every string a client sends to the API (path parameters, query, JSON body: keys and values)
// is checked here once, before any route schema: a control character (U+0000 above all,
// which PostgreSQL cannot store and which used to fail whole statements) is refused with the
// field named. One check for every route, so no schema can forget it.
import { CONTROL_CHARACTERS } from "../ingest/labels.js";
import type { ErrorIssue } from "../shared/errors.js";
import { formatPath } from "../shared/zod-issues.js";

/** The first string (or key) holding a control character, as an issue naming its path. */
export function controlCharacterIssue(value: unknown, root: string): ErrorIssue | undefined {
  // Iterative, with parent links (the path is built only for a hit): a deeply nested body
  // must neither overflow the stack nor cost a path copy per level.
  interface Node {
    v: unknown;
    key: PropertyKey | undefined;
    parent: Node | undefined;
  }
  const pathOf = (n: Node | undefined, last?: PropertyKey): PropertyKey[] => {
    const path: PropertyKey[] = last === undefined ? [] : [last];
    for (let p = n; p?.key !== undefined; p = p.parent) path.push(p.key);
    return path.reverse();
  };
  const stack: Node[] = [{ v: value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const v = n.v;
    if (typeof v === "string") {
      const m = CONTROL_CHARACTERS.exec(v);
      if (m) return issue(pathOf(n), root, m[0]);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: n });
    } else if (v !== null && typeof v === "object") {
      for (const k of Object.keys(v)) {
        const m = CONTROL_CHARACTERS.exec(k);
        if (m) return issue(pathOf(n, k), root, m[0], "name");
        stack.push({ v: (v as Record<string, unknown>)[k], key: k, parent: n });
      }
    }
  }
  return undefined;
}

function issue(path: PropertyKey[], root: string, ch: string, what = "value"): ErrorIssue {
  const code = ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return {
    path: formatPath(path, root),
    message: `${what} contains the control character U+${code}; control characters other than tab and line breaks are not accepted`,
  };
}
