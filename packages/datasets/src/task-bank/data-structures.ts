/** Task templates: classes implementing data structures. */
import type { TaskTemplate } from './types';

export const DATA_STRUCTURE_TASKS: readonly TaskTemplate[] = [
  {
    id: 'lru_cache',
    category: 'data-structures',
    difficulty: 'medium',
    tags: ['caching', 'hash-map', 'linked-list'],
    kind: 'class',
    name: 'lru cache',
    params: ['capacity'],
    methods: [
      { name: 'get', params: ['key'] },
      { name: 'put', params: ['key', 'value'] },
    ],
    task: 'implements a least-recently-used cache holding at most [[capacity]] entries; both operations run in O(1), [[get]] returns {missing} for a missing key, and [[put]] evicts the least recently used entry when full.',
    variants: [
      { missing: '{none}', miss: 'None' },
      { missing: '-1', miss: '-1' },
    ],
    python: `from collections import OrderedDict


class $name:
    """LRU cache on an OrderedDict: the most recently used key is last."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.entries = OrderedDict()

    def get(self, key):
        if key not in self.entries:
            return $miss
        self.entries.move_to_end(key)
        return self.entries[key]

    def put(self, key, value):
        if key in self.entries:
            self.entries.move_to_end(key)
        self.entries[key] = value
        if len(self.entries) > self.capacity:
            self.entries.popitem(last=False)
`,
  },
  {
    id: 'extreme_stack',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['stacks'],
    kind: 'class',
    name: '{ext} stack',
    params: [],
    methods: [
      { name: 'push', params: ['value'] },
      { name: 'pop', params: [] },
      { name: 'top', params: [] },
      { name: 'get {ext}', params: [] },
    ],
    task: 'implements a stack whose operations, including returning the current {ext}imum, all run in O(1) time; popping an empty stack is an error.',
    variants: [
      { ext: 'min', fn: 'min' },
      { ext: 'max', fn: 'max' },
    ],
    python: `class $name:
    """Each entry stores (value, $ext of the stack up to it)."""

    def __init__(self):
        self.items = []

    def push(self, value):
        best = value if not self.items else $fn(value, self.items[-1][1])
        self.items.append((value, best))

    def pop(self):
        if not self.items:
            raise IndexError("pop from an empty stack")
        return self.items.pop()[0]

    def top(self):
        if not self.items:
            raise IndexError("top of an empty stack")
        return self.items[-1][0]

    def get_$ext(self):
        if not self.items:
            raise IndexError("$ext of an empty stack")
        return self.items[-1][1]
`,
  },
  {
    id: 'trie',
    category: 'data-structures',
    difficulty: 'medium',
    tags: ['trees', 'strings'],
    kind: 'class',
    name: 'trie',
    params: [],
    methods: [
      { name: 'insert', params: ['word'] },
      { name: 'contains', params: ['word'] },
      { name: '{query}', params: ['prefix'] },
    ],
    task: 'implements a prefix tree of words where [[{query}]] {qdesc}.',
    variants: [
      { query: 'starts with', qdesc: 'returns whether any inserted word starts with the prefix', ret: 'True' },
      { query: 'count prefix', qdesc: 'returns how many inserted words (counting repeats) start with the prefix', ret: 'node["#count"]' },
    ],
  },
  {
    id: 'union_find',
    category: 'data-structures',
    difficulty: 'medium',
    tags: ['graphs', 'disjoint-set'],
    kind: 'class',
    name: 'union find',
    params: ['size'],
    methods: [
      { name: 'find', params: ['x'] },
      { name: 'union sets', params: ['a', 'b'] },
      { name: '{extra}', params: [] },
    ],
    task: 'implements a disjoint-set forest over the elements 0..[[size]]-1 with path compression and union by {rank}; [[{extra}]] returns {edesc}.',
    variants: [
      { extra: 'component count', rank: 'rank', edesc: 'the number of disjoint sets' },
      { extra: 'largest component', rank: 'size', edesc: 'the size of the largest set' },
    ],
  },
  {
    id: 'ring_buffer',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['queues', 'arrays'],
    kind: 'class',
    name: 'ring buffer',
    params: ['capacity'],
    methods: [
      { name: 'push', params: ['item'] },
      { name: 'pop', params: [] },
      { name: 'size', params: [] },
    ],
    task: 'implements a fixed-size FIFO queue on a preallocated array of [[capacity]] slots; when full, [[push]] {full}; [[pop]] on an empty buffer is an error.',
    variants: [
      { full: 'overwrites the oldest item', overwrite: 'True' },
      { full: 'fails with an error and leaves the buffer unchanged', overwrite: 'False' },
    ],
    python: `class $name:
    """Circular buffer: head is the oldest slot, count the number of items."""

    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.slots = [None] * capacity
        self.head = 0
        self.count = 0

    def push(self, item):
        cap = len(self.slots)
        if self.count == cap:
            if not $overwrite:
                raise OverflowError("ring buffer is full")
            self.slots[self.head] = item
            self.head = (self.head + 1) % cap
            return
        self.slots[(self.head + self.count) % cap] = item
        self.count += 1

    def pop(self):
        if self.count == 0:
            raise IndexError("pop from an empty ring buffer")
        item = self.slots[self.head]
        self.slots[self.head] = None
        self.head = (self.head + 1) % len(self.slots)
        self.count -= 1
        return item

    def size(self):
        return self.count
`,
  },
  {
    id: 'binary_heap',
    category: 'data-structures',
    difficulty: 'medium',
    tags: ['heaps', 'priority-queue'],
    kind: 'class',
    name: '{kind} heap',
    params: [],
    methods: [
      { name: 'push', params: ['value'] },
      { name: 'pop', params: [] },
      { name: 'peek', params: [] },
      { name: 'size', params: [] },
    ],
    task: 'implements a binary {kind}-heap on an array without using a library priority queue; [[pop]] removes and returns the {ext} value, and [[pop]] or [[peek]] on an empty heap is an error.',
    variants: [
      { kind: 'min', ext: 'smallest', before: '<' },
      { kind: 'max', ext: 'largest', before: '>' },
    ],
    python: `class $name:
    """Array-backed binary heap: children of i are 2i + 1 and 2i + 2."""

    def __init__(self):
        self.items = []

    def push(self, value):
        items = self.items
        items.append(value)
        i = len(items) - 1
        while i > 0 and items[i] $before items[(i - 1) // 2]:
            parent = (i - 1) // 2
            items[i], items[parent] = items[parent], items[i]
            i = parent

    def pop(self):
        if not self.items:
            raise IndexError("pop from an empty heap")
        items = self.items
        top = items[0]
        last = items.pop()
        if items:
            items[0] = last
            i = 0
            while True:
                best = i
                for child in (2 * i + 1, 2 * i + 2):
                    if child < len(items) and items[child] $before items[best]:
                        best = child
                if best == i:
                    break
                items[i], items[best] = items[best], items[i]
                i = best
        return top

    def peek(self):
        if not self.items:
            raise IndexError("peek at an empty heap")
        return self.items[0]

    def size(self):
        return len(self.items)
`,
  },
  {
    id: 'linked_list_ops',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['linked-list', 'pointers'],
    kind: 'function',
    name: '{fname}',
    params: ['head'],
    task: 'takes the first node [[head]] of a singly linked list (nodes with [[value]] and [[next]] fields, [[next]] is {null} at the end) and {what}, using O(1) extra memory.',
    variants: [
      {
        fname: 'reverse list',
        what: 'reverses the list in place, returning the new head',
        python: `def $name(head):
    """Iterative in-place reversal."""
    prev = None
    while head is not None:
        head.next, prev, head = prev, head, head.next
    return prev
`,
      },
      {
        fname: 'middle node',
        what: 'returns the middle node (the second of the two middle nodes when the length is even)',
        python: `def $name(head):
    """Slow and fast pointers: fast moves two steps for each step of slow."""
    slow = fast = head
    while fast is not None and fast.next is not None:
        slow, fast = slow.next, fast.next.next
    return slow
`,
      },
    ],
  },
  {
    id: 'binary_search_tree',
    category: 'data-structures',
    difficulty: 'medium',
    tags: ['trees'],
    kind: 'class',
    name: 'binary search tree',
    params: [],
    methods: [
      { name: 'insert', params: ['value'] },
      { name: 'contains', params: ['value'] },
      { name: '{walk}', params: [] },
    ],
    task: 'implements an unbalanced binary search tree of comparable values that ignores duplicates; [[{walk}]] returns {wdesc}. Use iteration, not recursion, for insert and lookup.',
    variants: [
      { walk: 'in order', wdesc: 'the values in ascending order' },
      { walk: 'height', wdesc: 'the number of nodes on the longest root-to-leaf path (0 when empty)' },
    ],
  },
  {
    id: 'bit_set',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['bits', 'arrays'],
    kind: 'class',
    name: 'bit set',
    params: ['size'],
    methods: [
      { name: 'set', params: ['index'] },
      { name: 'clear', params: ['index'] },
      { name: 'test', params: ['index'] },
      { name: 'count', params: [] },
    ],
    task: 'stores [[size]] bits packed into {word}-bit words; an index outside 0..[[size]]-1 is an error, and [[count]] returns the number of set bits.',
    variants: [{ word: '32' }, { word: '64' }],
    python: `class $name:
    """Bits packed into $word-bit integers."""

    WORD = $word

    def __init__(self, size):
        self.size = size
        self.words = [0] * ((size + self.WORD - 1) // self.WORD)

    def _check(self, index):
        if not 0 <= index < self.size:
            raise IndexError(f"bit index {index} outside 0..{self.size - 1}")

    def set(self, index):
        self._check(index)
        self.words[index // self.WORD] |= 1 << (index % self.WORD)

    def clear(self, index):
        self._check(index)
        self.words[index // self.WORD] &= ~(1 << (index % self.WORD))

    def test(self, index):
        self._check(index)
        return bool(self.words[index // self.WORD] >> (index % self.WORD) & 1)

    def count(self):
        return sum(bin(word).count("1") for word in self.words)
`,
  },
  {
    id: 'queue_with_stacks',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['queues', 'stacks', 'amortized'],
    kind: 'class',
    name: 'two stack queue',
    params: [],
    methods: [
      { name: 'enqueue', params: ['item'] },
      { name: 'dequeue', params: [] },
      { name: 'size', params: [] },
    ],
    task: 'implements a FIFO queue with two stacks so that each operation runs in amortized O(1); [[dequeue]] on an empty queue {empty}.',
    variants: [
      { empty: 'returns {none}', emptyPy: 'return None' },
      { empty: 'is an error', emptyPy: 'raise IndexError("dequeue from an empty queue")' },
    ],
    python: `class $name:
    """Push onto inbox; pop from outbox, refilling it from inbox when empty."""

    def __init__(self):
        self.inbox = []
        self.outbox = []

    def enqueue(self, item):
        self.inbox.append(item)

    def dequeue(self):
        if not self.outbox:
            while self.inbox:
                self.outbox.append(self.inbox.pop())
        if not self.outbox:
            $emptyPy
        return self.outbox.pop()

    def size(self):
        return len(self.inbox) + len(self.outbox)
`,
  },
  {
    id: 'sparse_vector',
    category: 'data-structures',
    difficulty: 'easy',
    tags: ['hash-map', 'linear-algebra'],
    kind: 'class',
    name: 'sparse vector',
    params: ['values'],
    methods: [
      { name: 'get', params: ['index'] },
      { name: '{op}', params: ['other'] },
    ],
    task: 'stores only the non-zero entries of the dense {list} [[values]]; [[get]] returns the entry at an index (0 when not stored) and [[{op}]] returns {odesc} with another sparse vector of the same length.',
    variants: [
      { op: 'dot', odesc: 'the dot product' },
      { op: 'add', odesc: 'a new sparse vector holding the element-wise sum' },
    ],
  },
];
