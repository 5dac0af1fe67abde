// Linear-memory allocation for the TypeScript side. Only `alloc` can grow memory, so views
// held in JS stay valid across every other export.

/** Allocates `bytes` bytes (16-byte aligned) and zero-fills them; returns 0 when memory is exhausted. */
export function alloc(bytes: usize): usize {
  if (bytes == 0) bytes = 16;
  // Refuse before asking: heap.alloc traps instead of returning 0 when the 4 GiB limit is hit.
  const pagesNeeded = ((bytes + 0xffff) >> 16) + 1;
  if (<i64>memory.size() + <i64>pagesNeeded > 65536) return 0;
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Returns a block from `alloc` to the allocator. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
