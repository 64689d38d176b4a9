import { commands, type CommandName, type HttpMethod } from '../../../shared/contract';
import { WorkstationError } from '../../../shared/errors';

export interface CompiledRoute {
  method: HttpMethod;
  command: CommandName;
  status: number;
  download: boolean;
  pattern: RegExp;
  params: string[];
}

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

/** Builds the REST route table from the `http` entries of the contract. */
export function compileRoutes(): CompiledRoute[] {
  const routes: CompiledRoute[] = [];
  for (const [name, spec] of Object.entries(commands)) {
    const http = 'http' in spec ? spec.http : undefined;
    if (!http) continue;
    const params: string[] = [];
    const source = http.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:(\w+)/g, (_m, param: string) => {
      params.push(param);
      return '/([^/]+)';
    });
    routes.push({
      method: http.method,
      command: name as CommandName,
      status: http.status ?? 200,
      download: http.download === true,
      pattern: new RegExp(`^${source}$`),
      params,
    });
  }
  // Literal segments win over parameters (`/jobs/stats` before `/jobs/:id`).
  return routes.sort((a, b) => a.params.length - b.params.length);
}

export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new WorkstationError('VALIDATION_FAILED', `malformed path segment: ${segment}`, [
      { path: [], message: 'bad percent-encoding' },
    ]);
  }
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => (params[name] = decodePathSegment(match[i + 1]!)));
    return { route, params };
  }
  return undefined;
}
