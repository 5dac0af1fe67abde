// Linear-memory allocation for the TypeScript side: a first-fit, address-ordered free list with
// coalescing. Models allocate a handful of large blocks and keep them, so a list walk is cheap;
// in exchange memory grows by exactly what is needed (AssemblyScript's TLSF would double it)
// and a freed block at the top is given back to the top of the heap.
//
// Only `alloc` grows memory, so views held in JS stay valid across every other export.
// Each block starts with a 16-byte header: [total size in bytes, next free block or 0, -, -].

const HEADER: usize = 16;
const MIN_SPLIT: usize = 64; // a remainder smaller than this stays with the allocated block

let top: usize = (__heap_base + 15) & ~15; // end of the blocks handed out so far
let freeList: usize = 0; // free blocks in address order

// @ts-ignore: decorator
@inline function sizeOf(block: usize): usize { return load<usize>(block); }
// @ts-ignore: decorator
@inline function nextOf(block: usize): usize { return load<usize>(block, 4); }
// @ts-ignore: decorator
@inline function setSize(block: usize, size: usize): void { store<usize>(block, size); }
// @ts-ignore: decorator
@inline function setNext(block: usize, next: usize): void { store<usize>(block, next, 4); }

/** Allocates `bytes` bytes, 16-byte aligned and zero-filled; 0 when memory is exhausted. */
export function alloc(bytes: usize): usize {
  if (bytes > 0xffff_ffe0 - HEADER) return 0;
  const size = (bytes + HEADER + 15) & ~<usize>15;
  let prev: usize = 0;
  for (let block = freeList; block != 0; prev = block, block = nextOf(block)) {
    const available = sizeOf(block);
    if (available < size) continue;
    let next = nextOf(block);
    if (available - size >= MIN_SPLIT) {
      const rest = block + size;
      setSize(rest, available - size);
      setNext(rest, next);
      next = rest;
      setSize(block, size);
    }
    if (prev) setNext(prev, next); else freeList = next;
    memory.fill(block + HEADER, 0, sizeOf(block) - HEADER);
    return block + HEADER;
  }
  // Nothing fits: take it from the top, growing memory by exactly the pages needed.
  const block = top;
  const end = <u64>block + <u64>size;
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (end > (<u64>65536 << 16) || memory.grow(pages) < 0) return 0;
  }
  top = <usize>end;
  setSize(block, size);
  memory.fill(block + HEADER, 0, size - HEADER);
  return block + HEADER;
}

/** Returns a block from `alloc`; neighbouring free blocks merge, and a free block at the top shrinks the heap. */
export function free(ptr: usize): void {
  if (ptr == 0) return;
  let block = ptr - HEADER;
  let size = sizeOf(block);
  let prev: usize = 0, next = freeList;
  while (next != 0 && next < block) { prev = next; next = nextOf(next); }
  if (next != 0 && block + size == next) { size += sizeOf(next); next = nextOf(next); }
  if (prev != 0 && prev + sizeOf(prev) == block) {
    block = prev;
    size += sizeOf(prev);
  } else if (prev) {
    setNext(prev, block);
  } else {
    freeList = block;
  }
  setSize(block, size);
  setNext(block, next);
  if (block + size == top) {
    // The last block in address order: hand it back to the top of the heap.
    top = block;
    if (freeList == block) {
      freeList = 0;
    } else {
      let before = freeList;
      while (nextOf(before) != block) before = nextOf(before);
      setNext(before, 0);
    }
  }
}

/** Bytes the block at `ptr` (from `alloc`) takes, its header and rounding included; 0 for null. */
export function block_bytes(ptr: usize): usize {
  return ptr ? sizeOf(ptr - HEADER) : 0;
}

/** Bytes between the heap base and the top (what the allocator has handed out or holds free). */
export function heap_top(): usize {
  return top;
}

/** Bytes that could still be handed out: memory up to Wasm's 4 GiB above the top, plus free blocks. */
export function heap_available(): f64 {
  let total: u64 = (<u64>65536 << 16) - <u64>top;
  for (let block = freeList; block != 0; block = nextOf(block)) total += <u64>sizeOf(block);
  return <f64>total;
}
