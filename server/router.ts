/**
 * The dashboard's router: a list of (method, path pattern, handler) and a lookup. Patterns
 * are literal paths or end in `/*`, which hands the rest of the path (still percent-encoded)
 * to the handler as `rest`, so that a handler decodes and checks it itself.
 *
 * @example
 * ```ts
 * import { matchRoute, type Route } from "./router.ts";
 *
 * const routes: Route[] = [
 *   { method: "GET", path: "/", handler: () => new Response("home") },
 *   { method: "GET", path: "/files/*", handler: (_req, m) => new Response(m.rest) },
 * ];
 * const m = matchRoute(routes, "GET", "/files/a/b.png");
 * if (m?.rest !== "a/b.png") throw new Error("rest of the path");
 * if (matchRoute(routes, "GET", "/nope") !== null) throw new Error("no match");
 * ```
 *
 * @module
 */

/** What a match hands to its handler. */
export interface RouteMatch {
  /** The route matched. */
  route: Route;
  /** The path after a `/*` pattern's prefix (percent-encoded as received); "" otherwise. */
  rest: string;
}

/** A request handler. */
export type Handler = (req: Request, match: RouteMatch, url: URL) => Response | Promise<Response>;

/** One route. */
export interface Route {
  /** HTTP method; GET routes answer HEAD too. */
  method: "GET" | "POST";
  /** Literal path, or a prefix ending in `/*`. */
  path: string;
  /** The handler. */
  handler: Handler;
}

/**
 * Finds the route for a request.
 *
 * @param routes The routes, tried in order.
 * @param method The request's method.
 * @param pathname The URL's path (percent-encoded, as `new URL(req.url).pathname` gives it).
 * @returns The match, or null.
 */
export function matchRoute(routes: Route[], method: string, pathname: string): RouteMatch | null {
  const m = method === "HEAD" ? "GET" : method;
  for (const route of routes) {
    if (route.method !== m) continue;
    if (route.path.endsWith("/*")) {
      const prefix = route.path.slice(0, -1);
      if (pathname.startsWith(prefix)) return { route, rest: pathname.slice(prefix.length) };
    } else if (pathname === route.path) return { route, rest: "" };
  }
  return null;
}

/**
 * Whether some route has this path under another method (to answer 405 rather than 404).
 *
 * @param routes The routes.
 * @param pathname The URL's path.
 * @returns True when the path exists for another method.
 */
export function pathExists(routes: Route[], pathname: string): boolean {
  return routes.some((r) =>
    r.path.endsWith("/*") ? pathname.startsWith(r.path.slice(0, -1)) : pathname === r.path
  );
}
