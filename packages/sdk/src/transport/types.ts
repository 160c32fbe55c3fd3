/** One HTTP exchange. Node uses node:http (its fetch is slow for large bodies); browsers fetch. */
export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal | undefined;
  /**
   * Where to put a response body whose length the server states: a buffer of exactly that
   * length (recycled, since fresh memory costs a page fault per 4 KiB). Transports may ignore it.
   */
  into?: (length: number) => Uint8Array;
}

export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  /** The whole body; call once. */
  bytes(): Promise<Uint8Array>;
}

export type Send = (url: string, req: HttpRequest) => Promise<HttpResponse>;
