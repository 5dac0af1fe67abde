// The threaded build's exports: the core, plus the thread pool's entry points (assembly/threads.ts).
export * from "./index";
export { threads_set, threads_count, threads_block, threads_generation, thread_loop } from "./threads";
