/** A byte count for people: "6.0 MiB". Shared by the hub's messages, the CLI and the web app. */
export { formatBytes } from '@coffer/protocol/size';
