import { NotFoundError } from '@coffer/errors';
import type { NodeInfo, RouteInput, RouteName, RouteResponse, RouteSpec } from '@coffer/protocol';
import { routes } from '@coffer/protocol';
import type { HubCalls } from '../src/hub-client.ts';

type Handler = (input: Record<string, Record<string, unknown> | undefined>) => unknown;

/**
 * An in-memory stand-in for the hub's tree routes, for unit tests of the SDK's tree logic.
 * Answers are checked against the route table like the real client does, and `rewrite` lets
 * a test play a lying hub.
 */
export class FakeHub implements HubCalls {
  readonly nodes = new Map<string, NodeInfo>();
  readonly calls: string[] = [];
  rewrite: (name: RouteName, answer: unknown) => unknown = (_n, a) => a;
  private clock = 1_700_000_000_000;

  constructor(root: { id: string; wrappedKey: string; metadata: string }) {
    this.nodes.set(root.id, this.node({ ...root, parentId: null, nameHash: null, kind: 'folder' }));
  }

  private node(
    n: Pick<NodeInfo, 'id' | 'parentId' | 'nameHash' | 'kind' | 'wrappedKey' | 'metadata'>,
  ): NodeInfo {
    const now = this.clock++;
    return {
      ...n,
      version: 1,
      revision: null,
      size: 0,
      trashedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private get(id: unknown): NodeInfo {
    const n = this.nodes.get(String(id));
    if (!n || n.trashedAt !== null) throw new NotFoundError('id: no such file or folder');
    return n;
  }

  private readonly handlers: Partial<Record<RouteName, Handler>> = {
    getNode: ({ params }) => this.get(params?.id),
    children: ({ params, query }) => {
      const live = [...this.nodes.values()]
        .filter((n) => n.parentId === params?.id && n.trashedAt === null)
        .filter((n) => !query?.nameHash || n.nameHash === query.nameHash)
        .sort((a, b) => a.id.localeCompare(b.id));
      return { nodes: live, next: null };
    },
    createFolder: ({ body }) => {
      const b = body as Record<string, string>;
      const n = this.node({
        id: b.id as string,
        parentId: b.parentId as string,
        nameHash: b.nameHash as string,
        kind: 'folder',
        wrappedKey: b.wrappedKey as string,
        metadata: b.metadata as string,
      });
      this.nodes.set(n.id, n);
      return n;
    },
    updateNode: ({ params, body }) => {
      const b = body as Record<string, string>;
      const n = this.get(params?.id);
      const moved = {
        ...n,
        parentId: b.parentId as string,
        nameHash: b.nameHash as string,
        wrappedKey: b.wrappedKey as string,
        metadata: b.metadata as string,
        version: n.version + 1,
      };
      this.nodes.set(n.id, moved);
      return moved;
    },
  };

  async call<N extends RouteName>(name: N, input: RouteInput<N>): Promise<RouteResponse<N>> {
    this.calls.push(name);
    const handler = this.handlers[name];
    if (!handler) throw new Error(`FakeHub: no ${name}`);
    const answer = this.rewrite(name, structuredClone(handler(input as never)));
    const spec: RouteSpec = routes[name];
    return (spec.response ? spec.response.parse(answer) : undefined) as RouteResponse<N>;
  }
}
