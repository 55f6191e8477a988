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
      {
        missing: '{none}',
        miss: 'None',
        tsRet: 'number | null',
        tsMiss: 'null',
        rsRet: 'Option<i32>',
        rsHit: 'Some(self.nodes[i].value)',
        rsMiss: 'None',
        cppRet: 'std::optional<int>',
        cppMiss: 'std::nullopt',
      },
      { missing: '-1', miss: '-1', tsRet: 'number', tsMiss: '-1', rsRet: 'i32', rsHit: 'self.nodes[i].value', rsMiss: '-1', cppRet: 'int', cppMiss: '-1' },
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
    typescript: `/** LRU cache on a Map, which iterates in insertion order: the least recently used key comes first. */
class $name {
  private readonly entries = new Map<number, number>();

  constructor(private readonly capacity: number) {}

  get(key: number): $tsRet {
    const value = this.entries.get(key);
    if (value === undefined) return $tsMiss;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  put(key: number, value: number): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
`,
    rust: `use std::collections::HashMap;

struct Node {
    key: i32,
    value: i32,
    prev: usize,
    next: usize,
}

/// O(1) LRU cache: a map from key to a node of a doubly linked list kept in a Vec (node 0 is the sentinel, most recent first).
pub struct $name {
    capacity: usize,
    index: HashMap<i32, usize>,
    nodes: Vec<Node>,
}

impl $name {
    pub fn new(capacity: usize) -> Self {
        let sentinel = Node { key: 0, value: 0, prev: 0, next: 0 };
        Self { capacity, index: HashMap::new(), nodes: vec![sentinel] }
    }

    pub fn get(&mut self, key: i32) -> $rsRet {
        match self.index.get(&key).copied() {
            Some(i) => {
                self.unlink(i);
                self.push_front(i);
                $rsHit
            }
            None => $rsMiss,
        }
    }

    pub fn put(&mut self, key: i32, value: i32) {
        if let Some(i) = self.index.get(&key).copied() {
            self.nodes[i].value = value;
            self.unlink(i);
            self.push_front(i);
            return;
        }
        if self.capacity == 0 {
            return;
        }
        let i = if self.index.len() == self.capacity {
            let lru = self.nodes[0].prev;
            self.unlink(lru);
            self.index.remove(&self.nodes[lru].key);
            self.nodes[lru] = Node { key, value, prev: 0, next: 0 };
            lru
        } else {
            self.nodes.push(Node { key, value, prev: 0, next: 0 });
            self.nodes.len() - 1
        };
        self.index.insert(key, i);
        self.push_front(i);
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        self.nodes[prev].next = next;
        self.nodes[next].prev = prev;
    }

    fn push_front(&mut self, i: usize) {
        let first = self.nodes[0].next;
        self.nodes[i].prev = 0;
        self.nodes[i].next = first;
        self.nodes[first].prev = i;
        self.nodes[0].next = i;
    }
}
`,
    cpp: `#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

// The list holds entries most recently used first; the map points each key at its list node, so both operations are O(1).
class $name {
public:
    explicit $name(std::size_t capacity) : capacity_(capacity) {}

    $cppRet get(int key) {
        auto it = index_.find(key);
        if (it == index_.end()) return $cppMiss;
        order_.splice(order_.begin(), order_, it->second);
        return it->second->second;
    }

    void put(int key, int value) {
        auto it = index_.find(key);
        if (it != index_.end()) {
            it->second->second = value;
            order_.splice(order_.begin(), order_, it->second);
            return;
        }
        if (capacity_ == 0) return;
        if (order_.size() == capacity_) {
            index_.erase(order_.back().first);
            order_.pop_back();
        }
        order_.emplace_front(key, value);
        index_[key] = order_.begin();
    }

private:
    std::size_t capacity_;
    std::list<std::pair<int, int>> order_;
    std::unordered_map<int, std::list<std::pair<int, int>>::iterator> index_;
};
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
      { ext: 'min', fn: 'min', Ext: 'Min' },
      { ext: 'max', fn: 'max', Ext: 'Max' },
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
    typescript: `/** Each entry stores its value and the $ext of the stack up to it, so every operation is O(1). */
class $name {
  private readonly items: { value: number; best: number }[] = [];

  push(value: number): void {
    const below = this.items[this.items.length - 1];
    this.items.push({ value, best: below === undefined ? value : Math.$fn(value, below.best) });
  }

  pop(): number {
    const entry = this.items.pop();
    if (entry === undefined) throw new Error('pop from an empty stack');
    return entry.value;
  }

  top(): number {
    return this.last('top').value;
  }

  get$Ext(): number {
    return this.last('$ext').best;
  }

  private last(what: string): { value: number; best: number } {
    const entry = this.items[this.items.length - 1];
    if (entry === undefined) throw new Error(what + ' of an empty stack');
    return entry;
  }
}
`,
    rust: `/// Each entry stores its value and the $ext of the stack up to it, so every operation is O(1).
#[derive(Default)]
pub struct $name {
    items: Vec<(i64, i64)>,
}

impl $name {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, value: i64) {
        let best = self.items.last().map_or(value, |&(_, best)| value.$fn(best));
        self.items.push((value, best));
    }

    pub fn pop(&mut self) -> Result<i64, String> {
        self.items.pop().map(|(value, _)| value).ok_or_else(|| "pop from an empty stack".to_string())
    }

    pub fn top(&self) -> Result<i64, String> {
        self.items.last().map(|&(value, _)| value).ok_or_else(|| "top of an empty stack".to_string())
    }

    pub fn get_$ext(&self) -> Result<i64, String> {
        self.items.last().map(|&(_, best)| best).ok_or_else(|| "$ext of an empty stack".to_string())
    }
}
`,
    cpp: `#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Each entry stores its value and the $ext of the stack up to it, so every operation is O(1).
class $name {
public:
    void push(int value) {
        items_.emplace_back(value, items_.empty() ? value : std::$fn(value, items_.back().second));
    }

    int pop() {
        int value = last("pop from").first;
        items_.pop_back();
        return value;
    }

    int top() const { return last("top of").first; }

    int get_$ext() const { return last("$ext of").second; }

private:
    std::vector<std::pair<int, int>> items_;

    const std::pair<int, int>& last(const std::string& what) const {
        if (items_.empty()) throw std::out_of_range(what + " an empty stack");
        return items_.back();
    }
};
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
      {
        query: 'starts with',
        qdesc: 'returns whether any inserted word starts with the prefix',
        method: 'starts_with',
        methodTs: 'startsWith',
        qcmp: ' > 0',
        tsType: 'boolean',
        rsType: 'bool',
        cppType: 'bool',
      },
      {
        query: 'count prefix',
        qdesc: 'returns how many inserted words (counting repeats) start with the prefix',
        method: 'count_prefix',
        methodTs: 'countPrefix',
        qcmp: '',
        tsType: 'number',
        rsType: 'usize',
        cppType: 'std::size_t',
      },
    ],
    python: `class $name:
    """Nested dicts keyed by character; each node counts the words passing through it and ending at it."""

    def __init__(self):
        self.root = {"#count": 0, "#end": 0}

    def insert(self, word):
        node = self.root
        node["#count"] += 1
        for ch in word:
            node = node.setdefault(ch, {"#count": 0, "#end": 0})
            node["#count"] += 1
        node["#end"] += 1

    def _find(self, text):
        node = self.root
        for ch in text:
            node = node.get(ch)
            if node is None:
                return None
        return node

    def contains(self, word):
        node = self._find(word)
        return node is not None and node["#end"] > 0

    def $method(self, prefix):
        node = self._find(prefix)
        return (node["#count"] if node is not None else 0)$qcmp
`,
    typescript: `interface TrieNode {
  children: Map<string, TrieNode>;
  count: number;
  ends: number;
}

/** Each node counts the inserted words that pass through it (count) and that end at it (ends). */
class $name {
  private readonly root: TrieNode = { children: new Map(), count: 0, ends: 0 };

  insert(word: string): void {
    let node = this.root;
    node.count++;
    for (const ch of word) {
      let child = node.children.get(ch);
      if (child === undefined) {
        child = { children: new Map(), count: 0, ends: 0 };
        node.children.set(ch, child);
      }
      child.count++;
      node = child;
    }
    node.ends++;
  }

  contains(word: string): boolean {
    return (this.find(word)?.ends ?? 0) > 0;
  }

  $methodTs(prefix: string): $tsType {
    return (this.find(prefix)?.count ?? 0)$qcmp;
  }

  private find(text: string): TrieNode | undefined {
    let node: TrieNode | undefined = this.root;
    for (const ch of text) node = node?.children.get(ch);
    return node;
  }
}
`,
    rust: `use std::collections::HashMap;

/// Each node counts the inserted words that pass through it (count) and that end at it (ends).
#[derive(Default)]
pub struct $name {
    children: HashMap<char, $name>,
    count: usize,
    ends: usize,
}

impl $name {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, word: &str) {
        let mut node = self;
        node.count += 1;
        for ch in word.chars() {
            node = node.children.entry(ch).or_default();
            node.count += 1;
        }
        node.ends += 1;
    }

    pub fn contains(&self, word: &str) -> bool {
        self.find(word).map_or(false, |node| node.ends > 0)
    }

    pub fn $method(&self, prefix: &str) -> $rsType {
        self.find(prefix).map_or(0, |node| node.count)$qcmp
    }

    fn find(&self, text: &str) -> Option<&Self> {
        text.chars().try_fold(self, |node, ch| node.children.get(&ch))
    }
}
`,
    cpp: `#include <cstddef>
#include <map>
#include <memory>
#include <string>

// Each node counts the inserted words that pass through it (count) and that end at it (ends).
class $name {
public:
    void insert(const std::string& word) {
        Node* node = &root_;
        ++node->count;
        for (char ch : word) {
            std::unique_ptr<Node>& child = node->children[ch];
            if (!child) child = std::make_unique<Node>();
            node = child.get();
            ++node->count;
        }
        ++node->ends;
    }

    bool contains(const std::string& word) const {
        const Node* node = find(word);
        return node != nullptr && node->ends > 0;
    }

    $cppType $method(const std::string& prefix) const {
        const Node* node = find(prefix);
        return (node == nullptr ? 0 : node->count)$qcmp;
    }

private:
    struct Node {
        std::map<char, std::unique_ptr<Node>> children;
        std::size_t count = 0;
        std::size_t ends = 0;
    };
    Node root_;

    const Node* find(const std::string& text) const {
        const Node* node = &root_;
        for (char ch : text) {
            auto it = node->children.find(ch);
            if (it == node->children.end()) return nullptr;
            node = it->second.get();
        }
        return node;
    }
};
`,
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
      {
        extra: 'component count',
        rank: 'rank',
        edesc: 'the number of disjoint sets',
        python: `class $name:
    """Disjoint-set forest with path compression and union by rank; counts the sets as they merge."""

    def __init__(self, size):
        self.parent = list(range(size))
        self.rank = [0] * size
        self.count = size

    def find(self, x):
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union_sets(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1
        self.count -= 1
        return True

    def component_count(self):
        return self.count
`,
        typescript: `/** Disjoint-set forest with path compression and union by rank; counts the sets as they merge. */
class $name {
  private readonly parent: number[];
  private readonly rank: number[];
  private count: number;

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
    this.rank = new Array<number>(size).fill(0);
    this.count = size;
  }

  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (x !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }

  unionSets(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.rank[ra] < this.rank[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    if (this.rank[ra] === this.rank[rb]) this.rank[ra]++;
    this.count--;
    return true;
  }

  componentCount(): number {
    return this.count;
  }
}
`,
        rust: `/// Disjoint-set forest with path compression and union by rank; counts the sets as they merge.
pub struct $name {
    parent: Vec<usize>,
    rank: Vec<u32>,
    count: usize,
}

impl $name {
    pub fn new(size: usize) -> Self {
        Self { parent: (0..size).collect(), rank: vec![0; size], count: size }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        while x != root {
            let next = self.parent[x];
            self.parent[x] = root;
            x = next;
        }
        root
    }

    pub fn union_sets(&mut self, a: usize, b: usize) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.rank[ra] < self.rank[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        if self.rank[ra] == self.rank[rb] {
            self.rank[ra] += 1;
        }
        self.count -= 1;
        true
    }

    pub fn component_count(&self) -> usize {
        self.count
    }
}
`,
        cpp: `#include <numeric>
#include <utility>
#include <vector>

// Disjoint-set forest with path compression and union by rank; counts the sets as they merge.
class $name {
public:
    explicit $name(int size) : parent_(size), rank_(size, 0), count_(size) {
        std::iota(parent_.begin(), parent_.end(), 0);
    }

    int find(int x) {
        int root = x;
        while (parent_[root] != root) root = parent_[root];
        while (x != root) x = std::exchange(parent_[x], root);
        return root;
    }

    bool union_sets(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return false;
        if (rank_[ra] < rank_[rb]) std::swap(ra, rb);
        parent_[rb] = ra;
        if (rank_[ra] == rank_[rb]) ++rank_[ra];
        --count_;
        return true;
    }

    int component_count() const { return count_; }

private:
    std::vector<int> parent_;
    std::vector<int> rank_;
    int count_;
};
`,
      },
      {
        extra: 'largest component',
        rank: 'size',
        edesc: 'the size of the largest set',
        python: `class $name:
    """Disjoint-set forest with path compression and union by size; tracks the largest set as they merge."""

    def __init__(self, size):
        self.parent = list(range(size))
        self.sizes = [1] * size
        self.largest = 1 if size > 0 else 0

    def find(self, x):
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union_sets(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.sizes[ra] < self.sizes[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.sizes[ra] += self.sizes[rb]
        self.largest = max(self.largest, self.sizes[ra])
        return True

    def largest_component(self):
        return self.largest
`,
        typescript: `/** Disjoint-set forest with path compression and union by size; tracks the largest set as they merge. */
class $name {
  private readonly parent: number[];
  private readonly sizes: number[];
  private largest: number;

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
    this.sizes = new Array<number>(size).fill(1);
    this.largest = size > 0 ? 1 : 0;
  }

  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (x !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }

  unionSets(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.sizes[ra] < this.sizes[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.sizes[ra] += this.sizes[rb];
    this.largest = Math.max(this.largest, this.sizes[ra]);
    return true;
  }

  largestComponent(): number {
    return this.largest;
  }
}
`,
        rust: `/// Disjoint-set forest with path compression and union by size; tracks the largest set as they merge.
pub struct $name {
    parent: Vec<usize>,
    sizes: Vec<usize>,
    largest: usize,
}

impl $name {
    pub fn new(size: usize) -> Self {
        Self { parent: (0..size).collect(), sizes: vec![1; size], largest: size.min(1) }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        while x != root {
            let next = self.parent[x];
            self.parent[x] = root;
            x = next;
        }
        root
    }

    pub fn union_sets(&mut self, a: usize, b: usize) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.sizes[ra] < self.sizes[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        self.sizes[ra] += self.sizes[rb];
        self.largest = self.largest.max(self.sizes[ra]);
        true
    }

    pub fn largest_component(&self) -> usize {
        self.largest
    }
}
`,
        cpp: `#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

// Disjoint-set forest with path compression and union by size; tracks the largest set as they merge.
class $name {
public:
    explicit $name(int size) : parent_(size), sizes_(size, 1), largest_(size > 0 ? 1 : 0) {
        std::iota(parent_.begin(), parent_.end(), 0);
    }

    int find(int x) {
        int root = x;
        while (parent_[root] != root) root = parent_[root];
        while (x != root) x = std::exchange(parent_[x], root);
        return root;
    }

    bool union_sets(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return false;
        if (sizes_[ra] < sizes_[rb]) std::swap(ra, rb);
        parent_[rb] = ra;
        sizes_[ra] += sizes_[rb];
        largest_ = std::max(largest_, sizes_[ra]);
        return true;
    }

    int largest_component() const { return largest_; }

private:
    std::vector<int> parent_;
    std::vector<int> sizes_;
    int largest_;
};
`,
      },
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
      {
        full: 'overwrites the oldest item',
        overwrite: 'True',
        tsFull: 'this.pop(); // overwrite: drop the oldest item first',
        cppFull: 'pop();  // overwrite: drop the oldest item first',
        rust: `/// Circular buffer: head is the oldest slot and count the number of items; a full push drops the oldest.
pub struct $name<T> {
    slots: Vec<Option<T>>,
    head: usize,
    count: usize,
}

impl<T> $name<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1");
        Self { slots: (0..capacity).map(|_| None).collect(), head: 0, count: 0 }
    }

    /// Returns the overwritten oldest item when the buffer was full.
    pub fn push(&mut self, item: T) -> Option<T> {
        let evicted = if self.count == self.slots.len() { self.pop().ok() } else { None };
        let tail = (self.head + self.count) % self.slots.len();
        self.slots[tail] = Some(item);
        self.count += 1;
        evicted
    }

    pub fn pop(&mut self) -> Result<T, String> {
        if self.count == 0 {
            return Err("pop from an empty ring buffer".to_string());
        }
        let item = self.slots[self.head].take();
        self.head = (self.head + 1) % self.slots.len();
        self.count -= 1;
        item.ok_or_else(|| "ring buffer slot unexpectedly empty".to_string())
    }

    pub fn size(&self) -> usize {
        self.count
    }
}
`,
      },
      {
        full: 'fails with an error and leaves the buffer unchanged',
        overwrite: 'False',
        tsFull: "throw new Error('ring buffer is full');",
        cppFull: 'throw std::overflow_error("ring buffer is full");',
        rust: `/// Circular buffer: head is the oldest slot and count the number of items; a full push is refused.
pub struct $name<T> {
    slots: Vec<Option<T>>,
    head: usize,
    count: usize,
}

impl<T> $name<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1");
        Self { slots: (0..capacity).map(|_| None).collect(), head: 0, count: 0 }
    }

    pub fn push(&mut self, item: T) -> Result<(), String> {
        if self.count == self.slots.len() {
            return Err(format!("ring buffer is full ({} items)", self.count));
        }
        let tail = (self.head + self.count) % self.slots.len();
        self.slots[tail] = Some(item);
        self.count += 1;
        Ok(())
    }

    pub fn pop(&mut self) -> Result<T, String> {
        if self.count == 0 {
            return Err("pop from an empty ring buffer".to_string());
        }
        let item = self.slots[self.head].take();
        self.head = (self.head + 1) % self.slots.len();
        self.count -= 1;
        item.ok_or_else(|| "ring buffer slot unexpectedly empty".to_string())
    }

    pub fn size(&self) -> usize {
        self.count
    }
}
`,
      },
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
    typescript: `/** Circular buffer over a preallocated array: head is the oldest slot and count the number of items. */
class $name<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  push(item: T): void {
    if (this.count === this.slots.length) {
      $tsFull
    }
    this.slots[(this.head + this.count) % this.slots.length] = item;
    this.count++;
  }

  pop(): T {
    if (this.count === 0) throw new Error('pop from an empty ring buffer');
    const item = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    return item;
  }

  size(): number {
    return this.count;
  }
}
`,
    cpp: `#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

// Circular buffer over a preallocated vector: head is the oldest slot and count the number of items.
template <typename T>
class $name {
public:
    explicit $name(std::size_t capacity) : slots_(capacity) {
        if (capacity == 0) throw std::invalid_argument("capacity must be at least 1");
    }

    void push(const T& item) {
        if (count_ == slots_.size()) {
            $cppFull
        }
        slots_[(head_ + count_) % slots_.size()] = item;
        ++count_;
    }

    T pop() {
        if (count_ == 0) throw std::out_of_range("pop from an empty ring buffer");
        T item = std::move(slots_[head_]);
        head_ = (head_ + 1) % slots_.size();
        --count_;
        return item;
    }

    std::size_t size() const { return count_; }

private:
    std::vector<T> slots_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};
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
    typescript: `/** Array-backed binary heap: the children of i are 2i + 1 and 2i + 2, and each parent comes first. */
class $name {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!(items[i] $before items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): number {
    const top = this.peek();
    const last = this.items.pop() as number;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  peek(): number {
    if (this.items.length === 0) throw new Error('the heap is empty');
    return this.items[0];
  }

  size(): number {
    return this.items.length;
  }

  private siftDown(i: number): void {
    const items = this.items;
    for (;;) {
      let best = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < items.length && items[child] $before items[best]) best = child;
      }
      if (best === i) return;
      [items[i], items[best]] = [items[best], items[i]];
      i = best;
    }
  }
}
`,
    rust: `/// Array-backed binary heap: the children of i are 2i + 1 and 2i + 2, and each parent comes first.
pub struct $name<T> {
    items: Vec<T>,
}

impl<T: Ord> $name<T> {
    pub fn new() -> Self {
        Self { items: Vec::new() }
    }

    pub fn push(&mut self, value: T) {
        self.items.push(value);
        let mut i = self.items.len() - 1;
        while i > 0 && self.items[i] $before self.items[(i - 1) / 2] {
            self.items.swap(i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    }

    pub fn pop(&mut self) -> Result<T, String> {
        if self.items.is_empty() {
            return Err("pop from an empty heap".to_string());
        }
        let top = self.items.swap_remove(0);
        let mut i = 0;
        loop {
            let mut best = i;
            for child in [2 * i + 1, 2 * i + 2] {
                if child < self.items.len() && self.items[child] $before self.items[best] {
                    best = child;
                }
            }
            if best == i {
                return Ok(top);
            }
            self.items.swap(i, best);
            i = best;
        }
    }

    pub fn peek(&self) -> Result<&T, String> {
        self.items.first().ok_or_else(|| "peek at an empty heap".to_string())
    }

    pub fn size(&self) -> usize {
        self.items.len()
    }
}
`,
    cpp: `#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

// Array-backed binary heap: the children of i are 2i + 1 and 2i + 2, and each parent comes first.
template <typename T>
class $name {
public:
    void push(const T& value) {
        items_.push_back(value);
        std::size_t i = items_.size() - 1;
        while (i > 0 && items_[i] $before items_[(i - 1) / 2]) {
            std::swap(items_[i], items_[(i - 1) / 2]);
            i = (i - 1) / 2;
        }
    }

    T pop() {
        T top = peek();
        items_.front() = std::move(items_.back());
        items_.pop_back();
        for (std::size_t i = 0;;) {
            std::size_t best = i;
            for (std::size_t child : {2 * i + 1, 2 * i + 2}) {
                if (child < items_.size() && items_[child] $before items_[best]) best = child;
            }
            if (best == i) break;
            std::swap(items_[i], items_[best]);
            i = best;
        }
        return top;
    }

    const T& peek() const {
        if (items_.empty()) throw std::out_of_range("the heap is empty");
        return items_.front();
    }

    std::size_t size() const { return items_.size(); }

private:
    std::vector<T> items_;
};
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
        typescript: `interface ListNode {
  value: number;
  next: ListNode | null;
}

/** Iterative in-place reversal: point each node back at its predecessor. */
function $name(head: ListNode | null): ListNode | null {
  let prev: ListNode | null = null;
  while (head !== null) {
    const next: ListNode | null = head.next;
    head.next = prev;
    prev = head;
    head = next;
  }
  return prev;
}
`,
        rust: `pub struct ListNode {
    pub value: i32,
    pub next: Option<Box<ListNode>>,
}

/// Iterative in-place reversal: move each node from the front of the list onto the reversed part.
pub fn $name(mut head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
    let mut prev = None;
    while let Some(mut node) = head {
        head = node.next.take();
        node.next = prev;
        prev = Some(node);
    }
    prev
}
`,
        cpp: `struct ListNode {
    int value;
    ListNode* next;
};

// Iterative in-place reversal: point each node back at its predecessor.
ListNode* $name(ListNode* head) {
    ListNode* prev = nullptr;
    while (head != nullptr) {
        ListNode* next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}
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
        typescript: `interface ListNode {
  value: number;
  next: ListNode | null;
}

/** Slow and fast pointers: fast moves two steps for each step of slow. */
function $name(head: ListNode | null): ListNode | null {
  let slow = head;
  let fast = head;
  while (slow !== null && fast !== null && fast.next !== null) {
    slow = slow.next;
    fast = fast.next.next;
  }
  return slow;
}
`,
        rust: `pub struct ListNode {
    pub value: i32,
    pub next: Option<Box<ListNode>>,
}

/// Slow and fast pointers: fast moves two steps for each step of slow.
pub fn $name(head: Option<&ListNode>) -> Option<&ListNode> {
    let (mut slow, mut fast) = (head, head);
    while let Some(second) = fast.and_then(|node| node.next.as_deref()) {
        slow = slow.and_then(|node| node.next.as_deref());
        fast = second.next.as_deref();
    }
    slow
}
`,
        cpp: `struct ListNode {
    int value;
    ListNode* next;
};

// Slow and fast pointers: fast moves two steps for each step of slow.
ListNode* $name(ListNode* head) {
    ListNode* slow = head;
    ListNode* fast = head;
    while (fast != nullptr && fast->next != nullptr) {
        slow = slow->next;
        fast = fast->next->next;
    }
    return slow;
}
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
      {
        walk: 'in order',
        wdesc: 'the values in ascending order',
        python: `class _Node:
    __slots__ = ("value", "left", "right")

    def __init__(self, value):
        self.value, self.left, self.right = value, None, None


class $name:
    """Unbalanced binary search tree; insert and lookup walk down from the root in a loop."""

    def __init__(self):
        self.root = None

    def insert(self, value):
        if self.root is None:
            self.root = _Node(value)
            return
        node = self.root
        while value != node.value:
            side = "left" if value < node.value else "right"
            child = getattr(node, side)
            if child is None:
                setattr(node, side, _Node(value))
                return
            node = child

    def contains(self, value):
        node = self.root
        while node is not None and node.value != value:
            node = node.left if value < node.value else node.right
        return node is not None

    def in_order(self):
        out, stack, node = [], [], self.root
        while node is not None or stack:
            while node is not None:
                stack.append(node)
                node = node.left
            node = stack.pop()
            out.append(node.value)
            node = node.right
        return out
`,
        typescript: `interface TreeNode {
  value: number;
  left: TreeNode | null;
  right: TreeNode | null;
}

/** Unbalanced binary search tree; insert and lookup walk down from the root in a loop. */
class $name {
  private root: TreeNode | null = null;

  insert(value: number): void {
    const fresh: TreeNode = { value, left: null, right: null };
    if (this.root === null) {
      this.root = fresh;
      return;
    }
    let node = this.root;
    while (value !== node.value) {
      const side = value < node.value ? 'left' : 'right';
      const child = node[side];
      if (child === null) {
        node[side] = fresh;
        return;
      }
      node = child;
    }
  }

  contains(value: number): boolean {
    let node = this.root;
    while (node !== null && node.value !== value) node = value < node.value ? node.left : node.right;
    return node !== null;
  }

  inOrder(): number[] {
    const out: number[] = [];
    const stack: TreeNode[] = [];
    let node = this.root;
    while (node !== null || stack.length > 0) {
      for (; node !== null; node = node.left) stack.push(node);
      const next = stack.pop() as TreeNode;
      out.push(next.value);
      node = next.right;
    }
    return out;
  }
}
`,
        rust: `use std::cmp::Ordering;

struct Node<T> {
    value: T,
    left: Option<Box<Node<T>>>,
    right: Option<Box<Node<T>>>,
}

/// Unbalanced binary search tree; insert and lookup walk down from the root in a loop.
pub struct $name<T> {
    root: Option<Box<Node<T>>>,
}

impl<T: Ord + Clone> $name<T> {
    pub fn new() -> Self {
        Self { root: None }
    }

    pub fn insert(&mut self, value: T) {
        let mut link = &mut self.root;
        while let Some(node) = link {
            link = match value.cmp(&node.value) {
                Ordering::Less => &mut node.left,
                Ordering::Greater => &mut node.right,
                Ordering::Equal => return,
            };
        }
        *link = Some(Box::new(Node { value, left: None, right: None }));
    }

    pub fn contains(&self, value: &T) -> bool {
        let mut cur = self.root.as_deref();
        while let Some(node) = cur {
            cur = match value.cmp(&node.value) {
                Ordering::Less => node.left.as_deref(),
                Ordering::Greater => node.right.as_deref(),
                Ordering::Equal => return true,
            };
        }
        false
    }

    pub fn in_order(&self) -> Vec<T> {
        let (mut out, mut stack, mut cur) = (Vec::new(), Vec::new(), self.root.as_deref());
        while cur.is_some() || !stack.is_empty() {
            while let Some(node) = cur {
                stack.push(node);
                cur = node.left.as_deref();
            }
            if let Some(node) = stack.pop() {
                out.push(node.value.clone());
                cur = node.right.as_deref();
            }
        }
        out
    }
}
`,
        cpp: `#include <cstddef>
#include <memory>
#include <vector>

// Unbalanced binary search tree; insert and lookup walk down from the root in a loop.
template <typename T>
class $name {
public:
    void insert(const T& value) {
        std::unique_ptr<Node>* link = &root_;
        while (*link) {
            Node& node = **link;
            if (value < node.value) link = &node.left;
            else if (value > node.value) link = &node.right;
            else return;
        }
        link->reset(new Node{value, nullptr, nullptr});
    }

    bool contains(const T& value) const {
        const Node* node = root_.get();
        while (node != nullptr) {
            if (value < node->value) node = node->left.get();
            else if (value > node->value) node = node->right.get();
            else return true;
        }
        return false;
    }

    std::vector<T> in_order() const {
        std::vector<T> out;
        std::vector<const Node*> stack;
        const Node* node = root_.get();
        while (node != nullptr || !stack.empty()) {
            for (; node != nullptr; node = node->left.get()) stack.push_back(node);
            node = stack.back();
            stack.pop_back();
            out.push_back(node->value);
            node = node->right.get();
        }
        return out;
    }

private:
    struct Node {
        T value;
        std::unique_ptr<Node> left;
        std::unique_ptr<Node> right;
    };
    std::unique_ptr<Node> root_;
};
`,
      },
      {
        walk: 'height',
        wdesc: 'the number of nodes on the longest root-to-leaf path (0 when empty)',
        python: `class _Node:
    __slots__ = ("value", "left", "right")

    def __init__(self, value):
        self.value, self.left, self.right = value, None, None


class $name:
    """Unbalanced binary search tree; insert and lookup walk down from the root in a loop."""

    def __init__(self):
        self.root = None

    def insert(self, value):
        if self.root is None:
            self.root = _Node(value)
            return
        node = self.root
        while value != node.value:
            side = "left" if value < node.value else "right"
            child = getattr(node, side)
            if child is None:
                setattr(node, side, _Node(value))
                return
            node = child

    def contains(self, value):
        node = self.root
        while node is not None and node.value != value:
            node = node.left if value < node.value else node.right
        return node is not None

    def height(self):
        best, stack = 0, [(self.root, 1)]
        while stack:
            node, depth = stack.pop()
            if node is not None:
                best = max(best, depth)
                stack.append((node.left, depth + 1))
                stack.append((node.right, depth + 1))
        return best
`,
        typescript: `interface TreeNode {
  value: number;
  left: TreeNode | null;
  right: TreeNode | null;
}

/** Unbalanced binary search tree; insert and lookup walk down from the root in a loop. */
class $name {
  private root: TreeNode | null = null;

  insert(value: number): void {
    const fresh: TreeNode = { value, left: null, right: null };
    if (this.root === null) {
      this.root = fresh;
      return;
    }
    let node = this.root;
    while (value !== node.value) {
      const side = value < node.value ? 'left' : 'right';
      const child = node[side];
      if (child === null) {
        node[side] = fresh;
        return;
      }
      node = child;
    }
  }

  contains(value: number): boolean {
    let node = this.root;
    while (node !== null && node.value !== value) node = value < node.value ? node.left : node.right;
    return node !== null;
  }

  height(): number {
    let best = 0;
    const stack: [TreeNode | null, number][] = [[this.root, 1]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [node, depth] = top;
      if (node === null) continue;
      best = Math.max(best, depth);
      stack.push([node.left, depth + 1], [node.right, depth + 1]);
    }
    return best;
  }
}
`,
        rust: `use std::cmp::Ordering;

struct Node<T> {
    value: T,
    left: Option<Box<Node<T>>>,
    right: Option<Box<Node<T>>>,
}

/// Unbalanced binary search tree; insert and lookup walk down from the root in a loop.
pub struct $name<T> {
    root: Option<Box<Node<T>>>,
}

impl<T: Ord> $name<T> {
    pub fn new() -> Self {
        Self { root: None }
    }

    pub fn insert(&mut self, value: T) {
        let mut link = &mut self.root;
        while let Some(node) = link {
            link = match value.cmp(&node.value) {
                Ordering::Less => &mut node.left,
                Ordering::Greater => &mut node.right,
                Ordering::Equal => return,
            };
        }
        *link = Some(Box::new(Node { value, left: None, right: None }));
    }

    pub fn contains(&self, value: &T) -> bool {
        let mut cur = self.root.as_deref();
        while let Some(node) = cur {
            cur = match value.cmp(&node.value) {
                Ordering::Less => node.left.as_deref(),
                Ordering::Greater => node.right.as_deref(),
                Ordering::Equal => return true,
            };
        }
        false
    }

    pub fn height(&self) -> usize {
        let mut best = 0;
        let mut stack = vec![(self.root.as_deref(), 1)];
        while let Some((node, depth)) = stack.pop() {
            if let Some(node) = node {
                best = best.max(depth);
                stack.push((node.left.as_deref(), depth + 1));
                stack.push((node.right.as_deref(), depth + 1));
            }
        }
        best
    }
}
`,
        cpp: `#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

// Unbalanced binary search tree; insert and lookup walk down from the root in a loop.
template <typename T>
class $name {
public:
    void insert(const T& value) {
        std::unique_ptr<Node>* link = &root_;
        while (*link) {
            Node& node = **link;
            if (value < node.value) link = &node.left;
            else if (value > node.value) link = &node.right;
            else return;
        }
        link->reset(new Node{value, nullptr, nullptr});
    }

    bool contains(const T& value) const {
        const Node* node = root_.get();
        while (node != nullptr) {
            if (value < node->value) node = node->left.get();
            else if (value > node->value) node = node->right.get();
            else return true;
        }
        return false;
    }

    std::size_t height() const {
        std::size_t best = 0;
        std::vector<std::pair<const Node*, std::size_t>> stack{{root_.get(), 1}};
        while (!stack.empty()) {
            auto [node, depth] = stack.back();
            stack.pop_back();
            if (node == nullptr) continue;
            best = std::max(best, depth);
            stack.push_back({node->left.get(), depth + 1});
            stack.push_back({node->right.get(), depth + 1});
        }
        return best;
    }

private:
    struct Node {
        T value;
        std::unique_ptr<Node> left;
        std::unique_ptr<Node> right;
    };
    std::unique_ptr<Node> root_;
};
`,
      },
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
    variants: [
      { word: '32' },
      {
        word: '64',
        typescript: `/** Bits packed into the 64-bit words of a BigUint64Array: bit i lives in word i >>> 6 at position i & 63. */
class $name {
  private readonly words: BigUint64Array;

  constructor(private readonly size: number) {
    this.words = new BigUint64Array(Math.ceil(size / 64));
  }

  set(index: number): void {
    const [word, bit] = this.locate(index);
    this.words[word] |= bit;
  }

  clear(index: number): void {
    const [word, bit] = this.locate(index);
    this.words[word] &= ~bit;
  }

  test(index: number): boolean {
    const [word, bit] = this.locate(index);
    return (this.words[word] & bit) !== 0n;
  }

  count(): number {
    let total = 0;
    for (let word of this.words) {
      for (; word !== 0n; total++) word &= word - 1n; // clear the lowest set bit
    }
    return total;
  }

  private locate(index: number): [number, bigint] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(\`bit index \${index} outside 0..\${this.size - 1}\`);
    }
    return [index >>> 6, 1n << BigInt(index & 63)];
  }
}
`,
      },
    ],
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
    typescript: `/** Bits packed into the 32-bit words of a Uint32Array: bit i lives in word i >>> 5 at position i & 31. */
class $name {
  private readonly words: Uint32Array;

  constructor(private readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  set(index: number): void {
    this.check(index);
    this.words[index >>> 5] |= 1 << (index & 31);
  }

  clear(index: number): void {
    this.check(index);
    this.words[index >>> 5] &= ~(1 << (index & 31));
  }

  test(index: number): boolean {
    this.check(index);
    return ((this.words[index >>> 5] >>> (index & 31)) & 1) === 1;
  }

  count(): number {
    let total = 0;
    for (let word of this.words) {
      for (; word !== 0; total++) word &= word - 1; // clear the lowest set bit
    }
    return total;
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(\`bit index \${index} outside 0..\${this.size - 1}\`);
    }
  }
}
`,
    rust: `/// Bits packed into u$word words: bit i lives in word i / $word at position i % $word.
pub struct $name {
    size: usize,
    words: Vec<u$word>,
}

impl $name {
    pub fn new(size: usize) -> Self {
        Self { size, words: vec![0; (size + $word - 1) / $word] }
    }

    pub fn set(&mut self, index: usize) -> Result<(), String> {
        let (word, mask) = self.locate(index)?;
        self.words[word] |= mask;
        Ok(())
    }

    pub fn clear(&mut self, index: usize) -> Result<(), String> {
        let (word, mask) = self.locate(index)?;
        self.words[word] &= !mask;
        Ok(())
    }

    pub fn test(&self, index: usize) -> Result<bool, String> {
        let (word, mask) = self.locate(index)?;
        Ok(self.words[word] & mask != 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|word| word.count_ones() as usize).sum()
    }

    fn locate(&self, index: usize) -> Result<(usize, u$word), String> {
        if index >= self.size {
            return Err(format!("bit index {index} outside 0..{} (exclusive)", self.size));
        }
        Ok((index / $word, 1 << (index % $word)))
    }
}
`,
    cpp: `#include <bitset>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

// Bits packed into \${word}-bit words: bit i lives in word i / $word at position i % $word.
class $name {
public:
    explicit $name(std::size_t size) : size_(size), words_((size + $word - 1) / $word, 0) {}

    void set(std::size_t index) { word_of(index) |= mask(index); }

    void clear(std::size_t index) { word_of(index) &= ~mask(index); }

    bool test(std::size_t index) const {
        check(index);
        return (words_[index / $word] & mask(index)) != 0;
    }

    std::size_t count() const {
        std::size_t total = 0;
        for (Word word : words_) total += std::bitset<$word>(word).count();
        return total;
    }

private:
    using Word = std::uint\${word}_t;
    std::size_t size_;
    std::vector<Word> words_;

    void check(std::size_t index) const {
        if (index >= size_) {
            throw std::out_of_range("bit index " + std::to_string(index) + " outside 0.." + std::to_string(size_) + " (exclusive)");
        }
    }

    Word& word_of(std::size_t index) {
        check(index);
        return words_[index / $word];
    }

    static Word mask(std::size_t index) { return Word{1} << (index % $word); }
};
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
      {
        empty: 'returns {none}',
        emptyPy: 'return None',
        tsRet: 'T | null',
        tsEmpty: 'return null;',
        rsRet: 'Option<T>',
        rsConv: '',
        cppRet: 'std::optional<T>',
        cppEmpty: 'return std::nullopt;',
      },
      {
        empty: 'is an error',
        emptyPy: 'raise IndexError("dequeue from an empty queue")',
        tsRet: 'T',
        tsEmpty: "throw new Error('dequeue from an empty queue');",
        rsRet: 'Result<T, String>',
        rsConv: '.ok_or_else(|| "dequeue from an empty queue".to_string())',
        cppRet: 'T',
        cppEmpty: 'throw std::out_of_range("dequeue from an empty queue");',
      },
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
    typescript: `/** Push onto the inbox; pop from the outbox, refilling it from the inbox (which reverses the order) when empty. */
class $name<T> {
  private readonly inbox: T[] = [];
  private readonly outbox: T[] = [];

  enqueue(item: T): void {
    this.inbox.push(item);
  }

  dequeue(): $tsRet {
    if (this.outbox.length === 0) {
      while (this.inbox.length > 0) this.outbox.push(this.inbox.pop() as T);
    }
    if (this.outbox.length === 0) $tsEmpty
    return this.outbox.pop() as T;
  }

  size(): number {
    return this.inbox.length + this.outbox.length;
  }
}
`,
    rust: `/// Push onto the inbox; pop from the outbox, refilling it from the inbox (which reverses the order) when empty.
pub struct $name<T> {
    inbox: Vec<T>,
    outbox: Vec<T>,
}

impl<T> $name<T> {
    pub fn new() -> Self {
        Self { inbox: Vec::new(), outbox: Vec::new() }
    }

    pub fn enqueue(&mut self, item: T) {
        self.inbox.push(item);
    }

    pub fn dequeue(&mut self) -> $rsRet {
        if self.outbox.is_empty() {
            self.outbox.extend(self.inbox.drain(..).rev());
        }
        self.outbox.pop()$rsConv
    }

    pub fn size(&self) -> usize {
        self.inbox.len() + self.outbox.len()
    }
}
`,
    cpp: `#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

// Push onto the inbox; pop from the outbox, refilling it from the inbox (which reverses the order) when empty.
template <typename T>
class $name {
public:
    void enqueue(const T& item) { inbox_.push_back(item); }

    $cppRet dequeue() {
        if (outbox_.empty()) {
            outbox_.assign(inbox_.rbegin(), inbox_.rend());
            inbox_.clear();
        }
        if (outbox_.empty()) $cppEmpty
        T item = std::move(outbox_.back());
        outbox_.pop_back();
        return item;
    }

    std::size_t size() const { return inbox_.size() + outbox_.size(); }

private:
    std::vector<T> inbox_;
    std::vector<T> outbox_;
};
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
      {
        op: 'dot',
        odesc: 'the dot product',
        python: `class $name:
    """Keeps a dict from index to non-zero value, plus the dense length."""

    def __init__(self, values):
        self.length = len(values)
        self.entries = {i: v for i, v in enumerate(values) if v != 0}

    def get(self, index):
        return self.entries.get(index, 0)

    def dot(self, other):
        if other.length != self.length:
            raise ValueError(f"length mismatch: {self.length} vs {other.length}")
        small, large = sorted((self, other), key=lambda v: len(v.entries))
        return sum(v * large.get(i) for i, v in small.entries.items())
`,
        typescript: `/** Keeps a Map from index to non-zero value, plus the dense length. */
class $name {
  private readonly entries = new Map<number, number>();
  private length: number;

  constructor(values: number[]) {
    this.length = values.length;
    values.forEach((v, i) => {
      if (v !== 0) this.entries.set(i, v);
    });
  }

  get(index: number): number {
    return this.entries.get(index) ?? 0;
  }

  dot(other: $name): number {
    if (other.length !== this.length) throw new Error(\`length mismatch: \${this.length} vs \${other.length}\`);
    const [small, large] = this.entries.size <= other.entries.size ? [this, other] : [other, this];
    let sum = 0;
    for (const [i, v] of small.entries) sum += v * large.get(i);
    return sum;
  }
}
`,
        rust: `use std::collections::HashMap;

/// Keeps a map from index to non-zero value, plus the dense length.
pub struct $name {
    len: usize,
    entries: HashMap<usize, f64>,
}

impl $name {
    pub fn new(values: &[f64]) -> Self {
        let entries = values.iter().enumerate().filter(|(_, &v)| v != 0.0).map(|(i, &v)| (i, v)).collect();
        Self { len: values.len(), entries }
    }

    pub fn get(&self, index: usize) -> f64 {
        self.entries.get(&index).copied().unwrap_or(0.0)
    }

    /// Walks the vector with fewer stored entries; panics when the lengths differ.
    pub fn dot(&self, other: &Self) -> f64 {
        assert_eq!(self.len, other.len, "sparse vectors must have the same length");
        let (small, large) = if self.entries.len() <= other.entries.len() { (self, other) } else { (other, self) };
        small.entries.iter().map(|(&i, &v)| v * large.get(i)).sum()
    }
}
`,
        cpp: `#include <cstddef>
#include <stdexcept>
#include <unordered_map>
#include <vector>

// Keeps a hash map from index to non-zero value, plus the dense length.
class $name {
public:
    explicit $name(const std::vector<double>& values) : size_(values.size()) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] != 0) entries_[i] = values[i];
        }
    }

    double get(std::size_t index) const {
        auto it = entries_.find(index);
        return it == entries_.end() ? 0.0 : it->second;
    }

    double dot(const $name& other) const {
        if (other.size_ != size_) throw std::invalid_argument("sparse vectors must have the same length");
        const $name& small = entries_.size() <= other.entries_.size() ? *this : other;
        const $name& large = &small == this ? other : *this;
        double sum = 0;
        for (const auto& [i, v] : small.entries_) sum += v * large.get(i);
        return sum;
    }

private:
    std::size_t size_;
    std::unordered_map<std::size_t, double> entries_;
};
`,
      },
      {
        op: 'add',
        odesc: 'a new sparse vector holding the element-wise sum',
        python: `class $name:
    """Keeps a dict from index to non-zero value, plus the dense length."""

    def __init__(self, values):
        self.length = len(values)
        self.entries = {i: v for i, v in enumerate(values) if v != 0}

    def get(self, index):
        return self.entries.get(index, 0)

    def add(self, other):
        if other.length != self.length:
            raise ValueError(f"length mismatch: {self.length} vs {other.length}")
        result = $name([])
        result.length = self.length
        result.entries = dict(self.entries)
        for i, v in other.entries.items():
            total = result.get(i) + v
            if total == 0:
                result.entries.pop(i, None)
            else:
                result.entries[i] = total
        return result
`,
        typescript: `/** Keeps a Map from index to non-zero value, plus the dense length. */
class $name {
  private readonly entries = new Map<number, number>();
  private length: number;

  constructor(values: number[]) {
    this.length = values.length;
    values.forEach((v, i) => {
      if (v !== 0) this.entries.set(i, v);
    });
  }

  get(index: number): number {
    return this.entries.get(index) ?? 0;
  }

  add(other: $name): $name {
    if (other.length !== this.length) throw new Error(\`length mismatch: \${this.length} vs \${other.length}\`);
    const result = new $name([]);
    result.length = this.length;
    for (const [i, v] of this.entries) result.entries.set(i, v);
    for (const [i, v] of other.entries) {
      const total = result.get(i) + v;
      if (total === 0) result.entries.delete(i);
      else result.entries.set(i, total);
    }
    return result;
  }
}
`,
        rust: `use std::collections::HashMap;

/// Keeps a map from index to non-zero value, plus the dense length.
pub struct $name {
    len: usize,
    entries: HashMap<usize, f64>,
}

impl $name {
    pub fn new(values: &[f64]) -> Self {
        let entries = values.iter().enumerate().filter(|(_, &v)| v != 0.0).map(|(i, &v)| (i, v)).collect();
        Self { len: values.len(), entries }
    }

    pub fn get(&self, index: usize) -> f64 {
        self.entries.get(&index).copied().unwrap_or(0.0)
    }

    /// Merges the other vector's entries into a copy of this one; panics when the lengths differ.
    pub fn add(&self, other: &Self) -> Self {
        assert_eq!(self.len, other.len, "sparse vectors must have the same length");
        let mut entries = self.entries.clone();
        for (&i, &v) in &other.entries {
            let total = entries.get(&i).copied().unwrap_or(0.0) + v;
            if total == 0.0 {
                entries.remove(&i);
            } else {
                entries.insert(i, total);
            }
        }
        Self { len: self.len, entries }
    }
}
`,
        cpp: `#include <cstddef>
#include <stdexcept>
#include <unordered_map>
#include <vector>

// Keeps a hash map from index to non-zero value, plus the dense length.
class $name {
public:
    explicit $name(const std::vector<double>& values) : size_(values.size()) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] != 0) entries_[i] = values[i];
        }
    }

    double get(std::size_t index) const {
        auto it = entries_.find(index);
        return it == entries_.end() ? 0.0 : it->second;
    }

    $name add(const $name& other) const {
        if (other.size_ != size_) throw std::invalid_argument("sparse vectors must have the same length");
        $name result = *this;
        for (const auto& [i, v] : other.entries_) {
            double total = result.get(i) + v;
            if (total == 0) result.entries_.erase(i);
            else result.entries_[i] = total;
        }
        return result;
    }

private:
    std::size_t size_;
    std::unordered_map<std::size_t, double> entries_;
};
`,
      },
    ],
  },
];
