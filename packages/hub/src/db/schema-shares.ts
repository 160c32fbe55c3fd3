// The tables of shared folders, key rotations, public links and file requests, beside the rest of
// the schema (schema.ts).

/** A shared folder ([Note: Member lists]); the hub keeps the owner's signed list as is. */
export interface SharesTable {
  id: string;
  node_id: string;
  owner_id: string;
  list_version: number;
  key_version: number;
  /** base64url of the signed member list. */
  member_list: string;
  created_at: number;
  updated_at: number;
}

export interface ShareMembersTable {
  share_id: string;
  account_id: string;
  role: 'read' | 'write';
  added_at: number;
}

/** A folder key version sealed to one member (or to the owner) by the owner. */
export interface ShareKeysTable {
  share_id: string;
  account_id: string;
  key_version: number;
  /** base64url sealed box. */
  sealed: string;
}

/** A node's new key, wrapped and signed by a share's owner, waiting for the rotation. */
export interface RekeyNodesTable {
  share_id: string;
  /** The share's key version this rotation moves to. */
  key_version: number;
  node_id: string;
  /** The node version the new keys were made from: a node changed since is a conflict. */
  node_version: number;
  wrapped_key: string;
  metadata: string;
  name_hash: string | null;
  signature: string;
}

/** A revision's manifest sealed under its file's new key, waiting for the rotation. */
export interface RekeyRevisionsTable {
  share_id: string;
  key_version: number;
  node_id: string;
  revision: number;
  manifest: string;
}

export interface LinksTable {
  id: string;
  account_id: string;
  node_id: string;
  kind: 'file' | 'folder';
  /** base64url link envelope ([Note: Link envelope]). */
  envelope: string;
  /** base64url link authors ([Note: Link authors]). */
  authors: string;
  created_at: number;
  expires_at: number | null;
  max_downloads: number | null;
  downloads: number;
  revoked_at: number | null;
}

export interface FileRequestsTable {
  id: string;
  account_id: string;
  folder_id: string;
  /** base64url title envelope, keyed by the request's public key ([Note: File requests]). */
  envelope: string;
  /** base64url: the request's secret key wrapped under the owner's master key. */
  wrapped_key: string;
  created_at: number;
  expires_at: number | null;
  max_files: number | null;
  max_bytes: number | null;
  files_received: number;
  bytes_received: number;
  revoked_at: number | null;
}

/** A file a visitor sent, waiting for the owner's client to take it in. */
export interface RequestDropsTable {
  id: string;
  request_id: string;
  /** The node id the file will have (its chunks are bound to it). */
  node_id: string;
  /** base64url drop box ([Note: File requests]). */
  sealed: string;
  size: number;
  created_at: number;
}

export interface DropChunksTable {
  drop_id: string;
  position: number;
  chunk_id: string;
}
