/** Task templates: algorithms on lists, graphs and dynamic programming. */
import type { TaskTemplate } from './types';

export const ALGORITHM_TASKS: readonly TaskTemplate[] = [
  {
    id: 'merge_intervals',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['sorting', 'intervals'],
    kind: 'function',
    name: 'merge intervals',
    params: ['intervals'],
    task: 'merges overlapping intervals given as [start, end] pairs in [[intervals]] and returns them sorted by start. {touch}',
    variants: [
      { touch: 'Intervals that only touch (one ends where the next starts) are merged too.', cmp: '<=' },
      { touch: 'Intervals that only touch (one ends where the next starts) stay separate.', cmp: '<' },
    ],
    python: `def $name(intervals):
    """Merge overlapping [start, end] intervals; the result is sorted by start."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start $cmp merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
`,
    typescript: `function $name(intervals: [number, number][]): [number, number][] {
  // Sort by start, then extend the last merged interval while the next one overlaps it.
  const merged: [number, number][] = [];
  for (const [start, end] of [...intervals].sort((x, y) => x[0] - y[0] || x[1] - y[1])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start $cmp last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
`,
    rust: `/// Sorts by start, then extends the last merged interval while the next one overlaps it.
pub fn $name(mut intervals: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    intervals.sort_unstable();
    let mut merged: Vec<[i64; 2]> = Vec::new();
    for [start, end] in intervals {
        match merged.last_mut() {
            Some(last) if start $cmp last[1] => last[1] = last[1].max(end),
            _ => merged.push([start, end]),
        }
    }
    merged
}
`,
    cpp: `#include <algorithm>
#include <utility>
#include <vector>

/** Sorts by start, then extends the last merged interval while the next one overlaps it. */
std::vector<std::pair<int, int>> $name(std::vector<std::pair<int, int>> intervals) {
    std::sort(intervals.begin(), intervals.end());
    std::vector<std::pair<int, int>> merged;
    for (const auto& [start, end] : intervals) {
        if (!merged.empty() && start $cmp merged.back().second) {
            merged.back().second = std::max(merged.back().second, end);
        } else {
            merged.emplace_back(start, end);
        }
    }
    return merged;
}
`,
  },
  {
    id: 'binary_search_bound',
    category: 'algorithms',
    difficulty: 'easy',
    tags: ['binary-search'],
    kind: 'function',
    name: '{bound}',
    params: ['items', 'target'],
    task: 'returns the index of the first element of the sorted {list} [[items]] that is {rel} [[target]] (the length of [[items]] if there is none), using binary search.',
    variants: [
      { bound: 'lower bound', rel: 'not less than', cmp: '<' },
      { bound: 'upper bound', rel: 'greater than', cmp: '<=' },
    ],
    python: `def $name(items, target):
    """Binary search over a sorted list; O(log n)."""
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] $cmp target:
            lo = mid + 1
        else:
            hi = mid
    return lo
`,
    typescript: `function $name(items: number[], target: number): number {
  // Binary search on the half-open range [lo, hi): O(log n); returns items.length when no element qualifies.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid] $cmp target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
`,
    rust: `/// Binary search on the half-open range [lo, hi): O(log n); returns \`items.len()\` when no element qualifies.
pub fn $name<T: Ord>(items: &[T], target: &T) -> usize {
    let (mut lo, mut hi) = (0, items.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if items[mid] $cmp *target {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
`,
    cpp: `#include <cstddef>
#include <vector>

/** Binary search on the half-open range [lo, hi): O(log n); returns items.size() when no element qualifies. */
std::size_t $name(const std::vector<int>& items, int target) {
    std::size_t lo = 0, hi = items.size();
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (items[mid] $cmp target) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
`,
  },
  {
    id: 'pair_search',
    category: 'algorithms',
    difficulty: 'easy',
    tags: ['hashing'],
    kind: 'function',
    name: '{fname}',
    params: ['nums', 'target'],
    task: 'returns the indices (i, j) with i < j of the first pair of numbers in [[nums]] that {goal} [[target]], or {none} if there is no such pair. It must run in linear time.',
    variants: [
      {
        fname: 'two sum',
        goal: 'add up to',
        python: `def $name(nums, target):
    """Indices of the first pair summing to target, or None; one pass with a hash map."""
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return (seen[target - x], j)
        seen.setdefault(x, j)
    return None
`,
        typescript: `function $name(nums: number[], target: number): [number, number] | null {
  // One pass with a Map from value to its first index: the partner of nums[j] is target - nums[j].
  const seen = new Map<number, number>();
  for (let j = 0; j < nums.length; j++) {
    const i = seen.get(target - nums[j]);
    if (i !== undefined) return [i, j];
    if (!seen.has(nums[j])) seen.set(nums[j], j);
  }
  return null;
}
`,
        rust: `use std::collections::HashMap;

/// One pass with a map from value to its first index: the partner of \`nums[j]\` is \`target - nums[j]\`.
pub fn $name(nums: &[i64], target: i64) -> Option<(usize, usize)> {
    let mut seen = HashMap::new();
    for (j, &x) in nums.iter().enumerate() {
        if let Some(&i) = seen.get(&(target - x)) {
            return Some((i, j));
        }
        seen.entry(x).or_insert(j);
    }
    None
}
`,
        cpp: `#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

/** One pass with a hash map from value to its first index: the partner of nums[j] is target - nums[j]. */
std::optional<std::pair<std::size_t, std::size_t>> $name(const std::vector<long long>& nums, long long target) {
    std::unordered_map<long long, std::size_t> seen;
    for (std::size_t j = 0; j < nums.size(); ++j) {
        auto it = seen.find(target - nums[j]);
        if (it != seen.end()) return std::make_pair(it->second, j);
        seen.emplace(nums[j], j);  // keeps the first index of a repeated value
    }
    return std::nullopt;
}
`,
      },
      {
        fname: 'pair with difference',
        goal: 'differ by exactly',
        python: `def $name(nums, target):
    """Indices of the first pair whose absolute difference is target, or None."""
    seen = {}
    for j, x in enumerate(nums):
        for y in (x - target, x + target):
            if y in seen:
                return (seen[y], j)
        seen.setdefault(x, j)
    return None
`,
        typescript: `function $name(nums: number[], target: number): [number, number] | null {
  // One pass with a Map from value to its first index: the partner of nums[j] is nums[j] - target or nums[j] + target.
  const seen = new Map<number, number>();
  for (let j = 0; j < nums.length; j++) {
    const found = [nums[j] - target, nums[j] + target].map((y) => seen.get(y)).filter((i): i is number => i !== undefined);
    if (found.length > 0) return [Math.min(...found), j];
    if (!seen.has(nums[j])) seen.set(nums[j], j);
  }
  return null;
}
`,
        rust: `use std::collections::HashMap;

/// One pass with a map from value to its first index: the partner of \`nums[j]\` is \`nums[j] - target\` or \`nums[j] + target\`.
pub fn $name(nums: &[i64], target: i64) -> Option<(usize, usize)> {
    let mut seen = HashMap::new();
    for (j, &x) in nums.iter().enumerate() {
        if let Some(&i) = [x - target, x + target].iter().filter_map(|y| seen.get(y)).min() {
            return Some((i, j));
        }
        seen.entry(x).or_insert(j);
    }
    None
}
`,
        cpp: `#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

/** One pass with a hash map from value to its first index: the partner of nums[j] is nums[j] - target or nums[j] + target. */
std::optional<std::pair<std::size_t, std::size_t>> $name(const std::vector<long long>& nums, long long target) {
    std::unordered_map<long long, std::size_t> seen;
    for (std::size_t j = 0; j < nums.size(); ++j) {
        std::optional<std::size_t> first;
        const long long partners[] = {nums[j] - target, nums[j] + target};
        for (long long y : partners) {
            auto it = seen.find(y);
            if (it != seen.end() && (!first || *first > it->second)) first = it->second;
        }
        if (first) return std::make_pair(*first, j);
        seen.emplace(nums[j], j);  // keeps the first index of a repeated value
    }
    return std::nullopt;
}
`,
      },
    ],
  },
  {
    id: 'longest_subsequence',
    category: 'algorithms',
    difficulty: 'hard',
    tags: ['dynamic-programming', 'binary-search'],
    kind: 'function',
    name: 'longest {kind} subsequence',
    params: ['nums'],
    task: 'returns the length of the longest {rule} subsequence of [[nums]] in O(n log n) time.',
    variants: [
      { kind: 'increasing', rule: 'strictly increasing', bisect: 'bisect_left', cmp: '<', cpp_bound: 'lower_bound' },
      { kind: 'non decreasing', rule: 'non-decreasing', bisect: 'bisect_right', cmp: '<=', cpp_bound: 'upper_bound' },
    ],
    python: `from bisect import $bisect


def $name(nums):
    """Patience sorting: tails[k] is the smallest tail of a subsequence of length k + 1."""
    tails = []
    for x in nums:
        i = $bisect(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)
`,
    typescript: `function $name(nums: number[]): number {
  // Patience sorting: tails[k] is the smallest tail of a subsequence of length k + 1, found by binary search.
  const tails: number[] = [];
  for (const x of nums) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tails[mid] $cmp x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}
`,
    rust: `/// Patience sorting: \`tails[k]\` is the smallest tail of a subsequence of length k + 1, found by binary search.
pub fn $name(nums: &[i64]) -> usize {
    let mut tails: Vec<i64> = Vec::new();
    for &x in nums {
        let i = tails.partition_point(|&t| t $cmp x);
        if i == tails.len() {
            tails.push(x);
        } else {
            tails[i] = x;
        }
    }
    tails.len()
}
`,
    cpp: `#include <algorithm>
#include <cstddef>
#include <vector>

/** Patience sorting: tails[k] is the smallest tail of a subsequence of length k + 1, found by binary search. */
std::size_t $name(const std::vector<int>& nums) {
    std::vector<int> tails;
    for (int x : nums) {
        auto it = std::$cpp_bound(tails.begin(), tails.end(), x);
        if (it == tails.end()) tails.push_back(x);
        else *it = x;
    }
    return tails.size();
}
`,
  },
  {
    id: 'shortest_path',
    category: 'algorithms',
    difficulty: 'hard',
    tags: ['graphs', 'dijkstra'],
    kind: 'function',
    name: '{fname}',
    params: ['graph', 'source', 'target'],
    task: 'uses Dijkstra\'s algorithm on [[graph]], a {map} from each node to a {list} of (neighbor, weight) pairs with non-negative weights, and returns {ret}.',
    variants: [
      {
        fname: 'shortest path cost',
        ret: 'the total weight of the cheapest path from [[source]] to [[target]], or -1 if [[target]] is unreachable',
        python: `import heapq


def $name(graph, source, target):
    """Dijkstra with a binary heap; -1 when target cannot be reached."""
    dist = {source: 0}
    heap = [(0, source)]
    while heap:
        d, node = heapq.heappop(heap)
        if node == target:
            return d
        if d > dist.get(node, float("inf")):
            continue
        for neighbor, weight in graph.get(node, []):
            nd = d + weight
            if nd < dist.get(neighbor, float("inf")):
                dist[neighbor] = nd
                heapq.heappush(heap, (nd, neighbor))
    return -1
`,
        typescript: `function $name<T>(graph: Map<T, [T, number][]>, source: T, target: T): number {
  // Dijkstra: repeatedly settle the closest unsettled node (a linear scan stands in for a priority queue).
  const dist = new Map<T, number>([[source, 0]]);
  const done = new Set<T>();
  for (;;) {
    let node: T | undefined;
    let best = Infinity;
    for (const [n, d] of dist) if (!done.has(n) && d < best) [node, best] = [n, d];
    if (node === undefined) return -1;
    if (node === target) return best;
    done.add(node);
    for (const [neighbor, weight] of graph.get(node) ?? []) {
      if (best + weight < (dist.get(neighbor) ?? Infinity)) dist.set(neighbor, best + weight);
    }
  }
}
`,
        rust: `use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;

/// Dijkstra with a min-heap of (distance, node); stale heap entries are skipped.
pub fn $name<N: Copy + Eq + Hash + Ord>(graph: &HashMap<N, Vec<(N, u64)>>, source: N, target: N) -> i64 {
    let mut dist = HashMap::from([(source, 0u64)]);
    let mut heap = BinaryHeap::from([Reverse((0u64, source))]);
    while let Some(Reverse((d, node))) = heap.pop() {
        if node == target {
            return d as i64;
        }
        if d > dist[&node] {
            continue;
        }
        for &(neighbor, weight) in graph.get(&node).into_iter().flatten() {
            let nd = d + weight;
            if dist.get(&neighbor).map_or(true, |&old| nd < old) {
                dist.insert(neighbor, nd);
                heap.push(Reverse((nd, neighbor)));
            }
        }
    }
    -1
}
`,
        cpp: `#include <functional>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

/** Dijkstra with a min-heap of (distance, node); stale heap entries are skipped. */
long long $name(const std::unordered_map<int, std::vector<std::pair<int, int>>>& graph, int source, int target) {
    using Item = std::pair<long long, int>;
    std::unordered_map<int, long long> dist{{source, 0}};
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    heap.emplace(0, source);
    while (!heap.empty()) {
        auto [d, node] = heap.top();
        heap.pop();
        if (node == target) return d;
        auto edges = graph.find(node);
        if (d > dist[node] || edges == graph.end()) continue;
        for (const auto& [neighbor, weight] : edges->second) {
            auto old = dist.find(neighbor);
            if (old == dist.end() || d + weight < old->second) {
                dist[neighbor] = d + weight;
                heap.emplace(d + weight, neighbor);
            }
        }
    }
    return -1;
}
`,
      },
      {
        fname: 'shortest path nodes',
        ret: 'the {list} of nodes on a cheapest path from [[source]] to [[target]] (both included), or an empty {list} if there is none',
        python: `import heapq


def $name(graph, source, target):
    """Dijkstra keeping predecessors; returns the node list of a cheapest path."""
    dist = {source: 0}
    prev = {}
    heap = [(0, source)]
    while heap:
        d, node = heapq.heappop(heap)
        if node == target:
            path = [node]
            while path[-1] != source:
                path.append(prev[path[-1]])
            return path[::-1]
        if d > dist.get(node, float("inf")):
            continue
        for neighbor, weight in graph.get(node, []):
            nd = d + weight
            if nd < dist.get(neighbor, float("inf")):
                dist[neighbor] = nd
                prev[neighbor] = node
                heapq.heappush(heap, (nd, neighbor))
    return []
`,
        typescript: `function $name<T>(graph: Map<T, [T, number][]>, source: T, target: T): T[] {
  // Dijkstra keeping each node's predecessor; a linear scan for the closest unsettled node stands in for a priority queue.
  const dist = new Map<T, number>([[source, 0]]);
  const prev = new Map<T, T>();
  const done = new Set<T>();
  for (;;) {
    let node: T | undefined;
    let best = Infinity;
    for (const [n, d] of dist) if (!done.has(n) && d < best) [node, best] = [n, d];
    if (node === undefined) return [];
    if (node === target) {
      const path: T[] = [node];
      while (path[path.length - 1] !== source) path.push(prev.get(path[path.length - 1]) as T);
      return path.reverse();
    }
    done.add(node);
    for (const [neighbor, weight] of graph.get(node) ?? []) {
      if (best + weight < (dist.get(neighbor) ?? Infinity)) {
        dist.set(neighbor, best + weight);
        prev.set(neighbor, node);
      }
    }
  }
}
`,
        rust: `use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;

/// Dijkstra with a min-heap, keeping each node's predecessor to rebuild the path.
pub fn $name<N: Copy + Eq + Hash + Ord>(graph: &HashMap<N, Vec<(N, u64)>>, source: N, target: N) -> Vec<N> {
    let mut dist = HashMap::from([(source, 0u64)]);
    let mut prev = HashMap::new();
    let mut heap = BinaryHeap::from([Reverse((0u64, source))]);
    while let Some(Reverse((d, node))) = heap.pop() {
        if node == target {
            let mut path = vec![node];
            while let Some(&p) = prev.get(path.last().unwrap()) {
                path.push(p);
            }
            path.reverse();
            return path;
        }
        if d > dist[&node] {
            continue;
        }
        for &(neighbor, weight) in graph.get(&node).into_iter().flatten() {
            let nd = d + weight;
            if dist.get(&neighbor).map_or(true, |&old| nd < old) {
                dist.insert(neighbor, nd);
                prev.insert(neighbor, node);
                heap.push(Reverse((nd, neighbor)));
            }
        }
    }
    Vec::new()
}
`,
        cpp: `#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

/** Dijkstra with a min-heap, keeping each node's predecessor to rebuild the path. */
std::vector<int> $name(const std::unordered_map<int, std::vector<std::pair<int, int>>>& graph, int source, int target) {
    using Item = std::pair<long long, int>;
    std::unordered_map<int, long long> dist{{source, 0}};
    std::unordered_map<int, int> prev;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    heap.emplace(0, source);
    while (!heap.empty()) {
        auto [d, node] = heap.top();
        heap.pop();
        if (node == target) {
            std::vector<int> path{node};
            for (auto p = prev.find(node); p != prev.end(); p = prev.find(p->second)) path.push_back(p->second);
            std::reverse(path.begin(), path.end());
            return path;
        }
        auto edges = graph.find(node);
        if (d > dist[node] || edges == graph.end()) continue;
        for (const auto& [neighbor, weight] : edges->second) {
            auto old = dist.find(neighbor);
            if (old == dist.end() || d + weight < old->second) {
                dist[neighbor] = d + weight;
                prev[neighbor] = node;
                heap.emplace(d + weight, neighbor);
            }
        }
    }
    return {};
}
`,
      },
    ],
  },
  {
    id: 'topological_order',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['graphs', 'sorting'],
    kind: 'function',
    name: 'topological order',
    params: ['node count', 'edges'],
    task: 'returns a topological order of the nodes 0..[[node count]]-1, where each pair [u, v] in [[edges]] means u must come before v. {tie} If the graph has a cycle, {cycle}.',
    variants: [
      {
        tie: 'When several nodes are ready, take the smallest first.',
        cycle: 'return an empty {list}',
        sign: '',
        pick: 'smallest',
        ts_cmp: '<',
        rust_pop: 'pop_first',
        cpp_cmp: 'std::greater<int>',
      },
      {
        tie: 'When several nodes are ready, take the largest first.',
        cycle: 'return an empty {list}',
        sign: '-',
        pick: 'largest',
        ts_cmp: '>',
        rust_pop: 'pop_last',
        cpp_cmp: 'std::less<int>',
      },
    ],
    python: `import heapq


def $name(node_count, edges):
    """Kahn's algorithm with a heap so the order is deterministic; [] on a cycle."""
    indegree = [0] * node_count
    out = [[] for _ in range(node_count)]
    for u, v in edges:
        out[u].append(v)
        indegree[v] += 1
    ready = [\${sign}i for i in range(node_count) if indegree[i] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        u = \${sign}heapq.heappop(ready)
        order.append(u)
        for v in out[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                heapq.heappush(ready, \${sign}v)
    return order if len(order) == node_count else []
`,
    typescript: `function $name(nodeCount: number, edges: [number, number][]): number[] {
  // Kahn's algorithm: repeatedly emit the $pick ready node (in-degree 0); nodes left over mean a cycle.
  const indegree = new Array<number>(nodeCount).fill(0);
  const out: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const [u, v] of edges) {
    if (!(u >= 0 && u < nodeCount && v >= 0 && v < nodeCount)) throw new RangeError('edge [' + u + ', ' + v + '] names an unknown node');
    out[u].push(v);
    indegree[v]++;
  }
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    let pick = 0;
    for (let i = 1; i < ready.length; i++) if (ready[i] $ts_cmp ready[pick]) pick = i;
    const u = ready.splice(pick, 1)[0];
    order.push(u);
    for (const v of out[u]) if (--indegree[v] === 0) ready.push(v);
  }
  return order.length === nodeCount ? order : [];
}
`,
    rust: `use std::collections::BTreeSet;

/// Kahn's algorithm with an ordered set of ready nodes (in-degree 0), taking the $pick; nodes left over mean a cycle.
pub fn $name(node_count: usize, edges: &[[usize; 2]]) -> Vec<usize> {
    let mut indegree = vec![0usize; node_count];
    let mut out = vec![Vec::new(); node_count];
    for &[u, v] in edges {
        out[u].push(v);
        indegree[v] += 1;
    }
    let mut ready: BTreeSet<usize> = (0..node_count).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(node_count);
    while let Some(u) = ready.$rust_pop() {
        order.push(u);
        for &v in &out[u] {
            indegree[v] -= 1;
            if indegree[v] == 0 {
                ready.insert(v);
            }
        }
    }
    if order.len() == node_count { order } else { Vec::new() }
}
`,
    cpp: `#include <functional>
#include <queue>
#include <stdexcept>
#include <utility>
#include <vector>

/** Kahn's algorithm with a heap of ready nodes (in-degree 0), taking the $pick; nodes left over mean a cycle. */
std::vector<int> $name(int node_count, const std::vector<std::pair<int, int>>& edges) {
    if (node_count < 0) throw std::invalid_argument("node_count must be non-negative");
    std::vector<int> indegree(node_count, 0);
    std::vector<std::vector<int>> out(node_count);
    for (const auto& [u, v] : edges) {
        out.at(u).push_back(v);  // at() throws std::out_of_range for an unknown node
        ++indegree.at(v);
    }
    std::priority_queue<int, std::vector<int>, $cpp_cmp> ready;
    for (int i = 0; i < node_count; ++i) {
        if (indegree[i] == 0) ready.push(i);
    }
    std::vector<int> order;
    while (!ready.empty()) {
        int u = ready.top();
        ready.pop();
        order.push_back(u);
        for (int v : out[u]) {
            if (--indegree[v] == 0) ready.push(v);
        }
    }
    return static_cast<int>(order.size()) == node_count ? order : std::vector<int>{};
}
`,
  },
  {
    id: 'kth_element',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['selection', 'heaps'],
    kind: 'function',
    name: 'kth {which}',
    params: ['nums', 'k'],
    task: 'returns the [[k]]-th {which} value of [[nums]] (k is 1-based, duplicates count separately) in better than O(n log n) time when k is small.',
    variants: [
      { which: 'smallest', heap: 'nsmallest', ts_index: 'k - 1', rust_index: 'k - 1', cpp_index: 'k - 1' },
      { which: 'largest', heap: 'nlargest', ts_index: 'nums.length - k', rust_index: 'nums.len() - k', cpp_index: 'nums.size() - k' },
    ],
    python: `import heapq


def $name(nums, k):
    """k-th $which element using a heap of size k: O(n log k)."""
    if not 1 <= k <= len(nums):
        raise ValueError(f"k must be in [1, {len(nums)}], got {k}")
    return heapq.$heap(k, nums)[-1]
`,
    typescript: `function $name(nums: number[], k: number): number {
  // Quickselect (average O(n)): partition around a random pivot and keep only the side that holds the answer.
  if (!Number.isInteger(k) || k < 1 || k > nums.length) throw new RangeError('k must be in [1, ' + nums.length + '], got ' + k);
  const a = nums.slice();
  const goal = $ts_index;
  let [lo, hi] = [0, a.length - 1];
  while (lo < hi) {
    const pivot = a[lo + Math.floor(Math.random() * (hi - lo + 1))];
    let [i, j] = [lo, hi];
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        [a[i], a[j]] = [a[j], a[i]];
        i++;
        j--;
      }
    }
    if (goal <= j) hi = j;
    else if (goal >= i) lo = i;
    else break;
  }
  return a[goal];
}
`,
    rust: `/// Quickselect via \`select_nth_unstable\` (average O(n)); \`None\` unless 1 <= k <= nums.len().
pub fn $name(nums: &[i64], k: usize) -> Option<i64> {
    if k == 0 || k > nums.len() {
        return None;
    }
    let mut values = nums.to_vec();
    Some(*values.select_nth_unstable($rust_index).1)
}
`,
    cpp: `#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

/** Quickselect via std::nth_element (average O(n)); throws std::out_of_range unless 1 <= k <= nums.size(). */
int $name(std::vector<int> nums, std::size_t k) {
    if (k < 1 || k > nums.size()) throw std::out_of_range("k must be between 1 and the number of values");
    auto nth = nums.begin() + ($cpp_index);
    std::nth_element(nums.begin(), nth, nums.end());
    return *nth;
}
`,
  },
  {
    id: 'string_distance',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['dynamic-programming', 'strings'],
    kind: 'function',
    name: '{fname}',
    params: ['a', 'b'],
    task: 'returns {what} of the strings [[a]] and [[b]], using dynamic programming with O(min(len(a), len(b))) extra memory.',
    variants: [
      {
        fname: 'edit distance',
        what: 'the Levenshtein edit distance (insertions, deletions and substitutions each cost 1)',
        python: `def $name(a, b):
    """Levenshtein distance with a single rolling row."""
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        diag, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (ca != cb))
    return row[-1]
`,
        typescript: `function $name(a: string, b: string): number {
  // Levenshtein DP with one rolling row over the shorter string (compared by code point).
  let [s, t] = [Array.from(a), Array.from(b)];
  if (s.length < t.length) [s, t] = [t, s];
  const row = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diag + (s[i - 1] === t[j - 1] ? 0 : 1));
      diag = row[j];
      row[j] = next;
    }
  }
  return row[t.length];
}
`,
        rust: `/// Levenshtein DP with one rolling row over the shorter string (compared by \`char\`).
pub fn $name(a: &str, b: &str) -> usize {
    let (mut s, mut t): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if s.len() < t.len() {
        std::mem::swap(&mut s, &mut t);
    }
    let mut row: Vec<usize> = (0..=t.len()).collect();
    for (i, cs) in s.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, ct) in t.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diag + usize::from(cs != ct));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[t.len()]
}
`,
        cpp: `#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>
#include <vector>

/** Levenshtein DP with one rolling row over the shorter string (compared byte by byte). */
std::size_t $name(const std::string& a, const std::string& b) {
    const std::string& s = a.size() >= b.size() ? a : b;
    const std::string& t = a.size() >= b.size() ? b : a;
    std::vector<std::size_t> row(t.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= s.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= t.size(); ++j) {
            std::size_t next = std::min({row[j] + 1, row[j - 1] + 1, diag + (s[i - 1] != t[j - 1] ? 1 : 0)});
            diag = row[j];
            row[j] = next;
        }
    }
    return row[t.size()];
}
`,
      },
      {
        fname: 'longest common subsequence',
        what: 'the length of the longest common subsequence',
        python: `def $name(a, b):
    """LCS length with a single rolling row."""
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for ca in a:
        diag = 0
        for j, cb in enumerate(b, 1):
            diag, row[j] = row[j], diag + 1 if ca == cb else max(row[j], row[j - 1])
    return row[-1]
`,
        typescript: `function $name(a: string, b: string): number {
  // LCS DP with one rolling row over the shorter string; diag holds the previous row's value at j - 1.
  let [s, t] = [Array.from(a), Array.from(b)];
  if (s.length < t.length) [s, t] = [t, s];
  const row = new Array<number>(t.length + 1).fill(0);
  for (const cs of s) {
    let diag = 0;
    for (let j = 1; j <= t.length; j++) {
      const next = cs === t[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = row[j];
      row[j] = next;
    }
  }
  return row[t.length];
}
`,
        rust: `/// LCS DP with one rolling row over the shorter string; \`diag\` holds the previous row's value at j - 1.
pub fn $name(a: &str, b: &str) -> usize {
    let (mut s, mut t): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if s.len() < t.len() {
        std::mem::swap(&mut s, &mut t);
    }
    let mut row = vec![0usize; t.len() + 1];
    for cs in &s {
        let mut diag = 0;
        for (j, ct) in t.iter().enumerate() {
            let next = if cs == ct { diag + 1 } else { row[j + 1].max(row[j]) };
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[t.len()]
}
`,
        cpp: `#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

/** LCS DP with one rolling row over the shorter string; diag holds the previous row's value at j - 1. */
std::size_t $name(const std::string& a, const std::string& b) {
    const std::string& s = a.size() >= b.size() ? a : b;
    const std::string& t = a.size() >= b.size() ? b : a;
    std::vector<std::size_t> row(t.size() + 1, 0);
    for (char cs : s) {
        std::size_t diag = 0;
        for (std::size_t j = 1; j <= t.size(); ++j) {
            std::size_t next = cs == t[j - 1] ? diag + 1 : std::max(row[j], row[j - 1]);
            diag = row[j];
            row[j] = next;
        }
    }
    return row[t.size()];
}
`,
      },
    ],
  },
  {
    id: 'coin_change',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['dynamic-programming'],
    kind: 'function',
    name: '{fname}',
    params: ['coins', 'amount'],
    task: 'returns {what} to make [[amount]] from unlimited coins with the denominations in [[coins]].',
    variants: [
      {
        fname: 'min coins',
        what: 'the smallest number of coins needed (or -1 if it cannot be done)',
        python: `def $name(coins, amount):
    """Bottom-up DP over amounts; -1 when the amount cannot be formed."""
    inf = amount + 1
    best = [0] + [inf] * amount
    for value in range(1, amount + 1):
        for coin in coins:
            if coin <= value and best[value - coin] + 1 < best[value]:
                best[value] = best[value - coin] + 1
    return -1 if best[amount] == inf else best[amount]
`,
        typescript: `function $name(coins: number[], amount: number): number {
  // Bottom-up DP: best[v] is the fewest coins summing to v (Infinity while v cannot be formed).
  if (amount < 0) return -1;
  const best = new Array<number>(amount + 1).fill(Infinity);
  best[0] = 0;
  for (let value = 1; value <= amount; value++) {
    for (const coin of coins) {
      if (coin > 0 && coin <= value) best[value] = Math.min(best[value], best[value - coin] + 1);
    }
  }
  return best[amount] === Infinity ? -1 : best[amount];
}
`,
        rust: `/// Bottom-up DP: \`best[v]\` is the fewest coins summing to \`v\` (\`None\` when \`v\` cannot be formed).
pub fn $name(coins: &[usize], amount: usize) -> i64 {
    let mut best: Vec<Option<usize>> = vec![None; amount + 1];
    best[0] = Some(0);
    for value in 1..=amount {
        best[value] = coins
            .iter()
            .filter(|&&coin| coin > 0 && coin <= value)
            .filter_map(|&coin| best[value - coin])
            .min()
            .map(|n| n + 1);
    }
    best[amount].map_or(-1, |n| n as i64)
}
`,
        cpp: `#include <algorithm>
#include <climits>
#include <vector>

/** Bottom-up DP: best[v] is the fewest coins summing to v (INT_MAX while v cannot be formed). */
int $name(const std::vector<int>& coins, int amount) {
    if (amount < 0) return -1;
    std::vector<int> best(amount + 1, INT_MAX);
    best[0] = 0;
    for (int value = 1; value <= amount; ++value) {
        for (int coin : coins) {
            if (coin > 0 && coin <= value && best[value - coin] != INT_MAX) {
                best[value] = std::min(best[value], best[value - coin] + 1);
            }
        }
    }
    return best[amount] == INT_MAX ? -1 : best[amount];
}
`,
      },
      {
        fname: 'count coin combinations',
        what: 'the number of distinct combinations (order does not matter)',
        python: `def $name(coins, amount):
    """Number of multisets of coins summing to amount."""
    ways = [1] + [0] * amount
    for coin in coins:
        for value in range(coin, amount + 1):
            ways[value] += ways[value - coin]
    return ways[amount]
`,
        typescript: `function $name(coins: number[], amount: number): number {
  // Adding one denomination at a time counts each combination once, in denomination order.
  if (amount < 0) return 0;
  const ways = new Array<number>(amount + 1).fill(0);
  ways[0] = 1;
  for (const coin of new Set(coins)) {
    if (coin <= 0) continue;
    for (let value = coin; value <= amount; value++) ways[value] += ways[value - coin];
  }
  return ways[amount];
}
`,
        rust: `use std::collections::BTreeSet;

/// Adding one denomination at a time counts each combination once, in denomination order.
pub fn $name(coins: &[usize], amount: usize) -> u64 {
    let denominations: BTreeSet<usize> = coins.iter().copied().filter(|&coin| coin > 0).collect();
    let mut ways = vec![0u64; amount + 1];
    ways[0] = 1;
    for coin in denominations {
        for value in coin..=amount {
            ways[value] += ways[value - coin];
        }
    }
    ways[amount]
}
`,
        cpp: `#include <set>
#include <vector>

/** Adding one denomination at a time counts each combination once, in denomination order. */
long long $name(const std::vector<int>& coins, int amount) {
    if (amount < 0) return 0;
    std::vector<long long> ways(amount + 1, 0);
    ways[0] = 1;
    for (int coin : std::set<int>(coins.begin(), coins.end())) {
        if (coin <= 0) continue;
        for (int value = coin; value <= amount; ++value) ways[value] += ways[value - coin];
    }
    return ways[amount];
}
`,
      },
    ],
  },
  {
    id: 'knapsack',
    category: 'algorithms',
    difficulty: 'hard',
    tags: ['dynamic-programming'],
    kind: 'function',
    name: 'max knapsack value',
    params: ['weights', 'values', 'capacity'],
    task: 'solves the {kind} knapsack problem: item i has weight [[weights]][i] and value [[values]][i], and the function returns the largest total value whose total weight is at most [[capacity]].',
    variants: [
      {
        kind: '0/1',
        order: 'range(capacity, w - 1, -1)',
        dir: 'downwards so each item is used at most once',
        ts_loop: 'for (let c = capacity; c >= w; c--)',
        rust_loop: 'for c in (w..=capacity).rev()',
        cpp_loop: 'for (int c = capacity; c >= w; --c)',
      },
      {
        kind: 'unbounded (each item may be taken any number of times)',
        order: 'range(w, capacity + 1)',
        dir: 'upwards so an item can be reused',
        ts_loop: 'for (let c = w; c <= capacity; c++)',
        rust_loop: 'for c in w..=capacity',
        cpp_loop: 'for (int c = w; c <= capacity; ++c)',
      },
    ],
    python: `def $name(weights, values, capacity):
    """One-dimensional DP over capacities."""
    best = [0] * (capacity + 1)
    for w, v in zip(weights, values):
        for c in $order:
            best[c] = max(best[c], best[c - w] + v)
    return best[capacity]
`,
    typescript: `function $name(weights: number[], values: number[], capacity: number): number {
  // One-dimensional DP: best[c] is the largest value within weight c, updated $dir.
  if (weights.length !== values.length) throw new Error('weights and values must have the same length');
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity must be a non-negative integer');
  const best = new Array<number>(capacity + 1).fill(0);
  weights.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 0) throw new RangeError('weights must be non-negative integers');
    $ts_loop best[c] = Math.max(best[c], best[c - w] + values[i]);
  });
  return best[capacity];
}
`,
    rust: `/// One-dimensional DP: \`best[c]\` is the largest value within weight \`c\`, updated $dir.
pub fn $name(weights: &[usize], values: &[u64], capacity: usize) -> u64 {
    assert_eq!(weights.len(), values.len(), "weights and values must have the same length");
    let mut best = vec![0u64; capacity + 1];
    for (&w, &v) in weights.iter().zip(values) {
        $rust_loop {
            best[c] = best[c].max(best[c - w] + v);
        }
    }
    best[capacity]
}
`,
    cpp: `#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

/** One-dimensional DP: best[c] is the largest value within weight c, updated $dir. */
long long $name(const std::vector<int>& weights, const std::vector<int>& values, int capacity) {
    if (weights.size() != values.size()) throw std::invalid_argument("weights and values must have the same length");
    if (capacity < 0) throw std::invalid_argument("capacity must be non-negative");
    std::vector<long long> best(capacity + 1, 0);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const int w = weights[i];
        if (w < 0) throw std::invalid_argument("weights must be non-negative");
        $cpp_loop best[c] = std::max(best[c], best[c - w] + values[i]);
    }
    return best[capacity];
}
`,
  },
  {
    id: 'count_islands',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['graphs', 'grids', 'bfs'],
    kind: 'function',
    name: 'count {what}',
    params: ['grid'],
    task: 'counts the {what} in [[grid]], a {list} of rows of 0/1 values, where each {what1} is a group of 1 cells connected {conn}. Use an iterative search so large grids do not overflow the stack.',
    variants: [
      {
        what: 'islands',
        what1: 'island',
        conn: 'horizontally or vertically',
        dirs: '((1, 0), (-1, 0), (0, 1), (0, -1))',
        ts_dirs: '[[1, 0], [-1, 0], [0, 1], [0, -1]]',
        rust_dirs: '[(1, 0), (-1, 0), (0, 1), (0, -1)]',
        cpp_dirs: '{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}',
      },
      {
        what: 'regions',
        what1: 'region',
        conn: 'horizontally, vertically or diagonally',
        dirs: '[(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]',
        ts_dirs: '[[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]',
        rust_dirs: '[(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]',
        cpp_dirs: '{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}',
      },
    ],
    python: `def $name(grid):
    """Iterative flood fill from every unvisited 1 cell."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    seen = [[False] * cols for _ in range(rows)]
    dirs = $dirs
    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] != 1 or seen[r][c]:
                continue
            count += 1
            seen[r][c] = True
            stack = [(r, c)]
            while stack:
                y, x = stack.pop()
                for dy, dx in dirs:
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == 1 and not seen[ny][nx]:
                        seen[ny][nx] = True
                        stack.append((ny, nx))
    return count
`,
    typescript: `function $name(grid: number[][]): number {
  // Iterative flood fill (explicit stack) from every unvisited 1 cell, sinking cells of a copy as they are visited.
  const land = grid.map((row) => row.slice());
  const dirs = $ts_dirs;
  let count = 0;
  for (let r = 0; r < land.length; r++) {
    for (let c = 0; c < land[r].length; c++) {
      if (land[r][c] !== 1) continue;
      count++;
      land[r][c] = 0;
      const stack: [number, number][] = [[r, c]];
      while (stack.length > 0) {
        const [y, x] = stack.pop() as [number, number];
        for (const [dy, dx] of dirs) {
          const [ny, nx] = [y + dy, x + dx];
          if (land[ny]?.[nx] === 1) {
            land[ny][nx] = 0;
            stack.push([ny, nx]);
          }
        }
      }
    }
  }
  return count;
}
`,
    rust: `/// Iterative flood fill (explicit stack) from every unvisited 1 cell, sinking cells of a copy as they are visited.
pub fn $name(grid: &[Vec<u8>]) -> usize {
    let mut land = grid.to_vec();
    let dirs: &[(isize, isize)] = &$rust_dirs;
    let mut count = 0;
    for r in 0..land.len() {
        for c in 0..land[r].len() {
            if land[r][c] != 1 {
                continue;
            }
            count += 1;
            land[r][c] = 0;
            let mut stack = vec![(r, c)];
            while let Some((y, x)) = stack.pop() {
                for &(dy, dx) in dirs {
                    let (ny, nx) = (y.wrapping_add_signed(dy), x.wrapping_add_signed(dx));
                    if land.get(ny).and_then(|row| row.get(nx)) == Some(&1) {
                        land[ny][nx] = 0;
                        stack.push((ny, nx));
                    }
                }
            }
        }
    }
    count
}
`,
    cpp: `#include <cstddef>
#include <utility>
#include <vector>

/** Iterative flood fill (explicit stack) from every unvisited 1 cell, sinking cells of the copied grid as they are visited. */
int $name(std::vector<std::vector<int>> grid) {
    const std::vector<std::pair<int, int>> dirs = $cpp_dirs;
    int count = 0;
    for (std::size_t r = 0; r < grid.size(); ++r) {
        for (std::size_t c = 0; c < grid[r].size(); ++c) {
            if (grid[r][c] != 1) continue;
            ++count;
            grid[r][c] = 0;
            std::vector<std::pair<std::size_t, std::size_t>> stack{{r, c}};
            while (!stack.empty()) {
                auto [y, x] = stack.back();
                stack.pop_back();
                for (auto [dy, dx] : dirs) {
                    std::size_t ny = y + dy, nx = x + dx;  // -1 wraps to a huge index and fails the bounds check
                    if (ny < grid.size() && nx < grid[ny].size() && grid[ny][nx] == 1) {
                        grid[ny][nx] = 0;
                        stack.emplace_back(ny, nx);
                    }
                }
            }
        }
    }
    return count;
}
`,
  },
  {
    id: 'enumerate_combinatorics',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['backtracking', 'recursion'],
    kind: 'function',
    name: '{fname}',
    params: ['items'],
    task: 'returns all {what} of [[items]] (assume the items are distinct), using backtracking rather than a library helper.',
    variants: [
      {
        fname: 'all permutations',
        what: 'permutations',
        python: `def $name(items):
    """Backtracking over unused positions."""
    result, current, used = [], [], [False] * len(items)

    def backtrack():
        if len(current) == len(items):
            result.append(list(current))
            return
        for i, item in enumerate(items):
            if not used[i]:
                used[i] = True
                current.append(item)
                backtrack()
                current.pop()
                used[i] = False

    backtrack()
    return result
`,
        typescript: `function $name<T>(items: T[]): T[][] {
  // Backtracking: place each unused item at the next position, recurse, then undo the choice.
  const result: T[][] = [];
  const current: T[] = [];
  const used = new Array<boolean>(items.length).fill(false);
  const backtrack = (): void => {
    if (current.length === items.length) {
      result.push([...current]);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      current.push(items[i]);
      backtrack();
      current.pop();
      used[i] = false;
    }
  };
  backtrack();
  return result;
}
`,
        rust: `/// Backtracking: swap each remaining item into position \`k\`, recurse on the rest, then swap back.
pub fn $name<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    fn backtrack<T: Clone>(items: &mut [T], k: usize, out: &mut Vec<Vec<T>>) {
        if k == items.len() {
            out.push(items.to_vec());
            return;
        }
        for i in k..items.len() {
            items.swap(k, i);
            backtrack(items, k + 1, out);
            items.swap(k, i);
        }
    }
    let mut out = Vec::new();
    backtrack(&mut items.to_vec(), 0, &mut out);
    out
}
`,
        cpp: `#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

/** Backtracking: swap each remaining item into position k, recurse on the rest, then swap back. */
template <typename T>
std::vector<std::vector<T>> $name(std::vector<T> items) {
    std::vector<std::vector<T>> result;
    std::function<void(std::size_t)> backtrack = [&](std::size_t k) {
        if (k == items.size()) {
            result.push_back(items);
            return;
        }
        for (std::size_t i = k; i < items.size(); ++i) {
            std::swap(items[k], items[i]);
            backtrack(k + 1);
            std::swap(items[k], items[i]);
        }
    };
    backtrack(0);
    return result;
}
`,
      },
      {
        fname: 'all subsets',
        what: 'subsets (the power set, including the empty set)',
        python: `def $name(items):
    """Backtracking: each item is either taken or skipped."""
    result, current = [], []

    def backtrack(i):
        if i == len(items):
            result.append(list(current))
            return
        backtrack(i + 1)
        current.append(items[i])
        backtrack(i + 1)
        current.pop()

    backtrack(0)
    return result
`,
        typescript: `function $name<T>(items: T[]): T[][] {
  // Backtracking: each item is either skipped or taken, and every leaf of the decision tree is one subset.
  const result: T[][] = [];
  const current: T[] = [];
  const backtrack = (i: number): void => {
    if (i === items.length) {
      result.push([...current]);
      return;
    }
    backtrack(i + 1);
    current.push(items[i]);
    backtrack(i + 1);
    current.pop();
  };
  backtrack(0);
  return result;
}
`,
        rust: `/// Backtracking: each item is either skipped or taken, and every leaf of the decision tree is one subset.
pub fn $name<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    fn backtrack<T: Clone>(rest: &[T], current: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
        match rest.split_first() {
            None => out.push(current.clone()),
            Some((first, tail)) => {
                backtrack(tail, current, out);
                current.push(first.clone());
                backtrack(tail, current, out);
                current.pop();
            }
        }
    }
    let mut out = Vec::new();
    backtrack(items, &mut Vec::new(), &mut out);
    out
}
`,
        cpp: `#include <cstddef>
#include <functional>
#include <vector>

/** Backtracking: each item is either skipped or taken, and every leaf of the decision tree is one subset. */
template <typename T>
std::vector<std::vector<T>> $name(const std::vector<T>& items) {
    std::vector<std::vector<T>> result;
    std::vector<T> current;
    std::function<void(std::size_t)> backtrack = [&](std::size_t i) {
        if (i == items.size()) {
            result.push_back(current);
            return;
        }
        backtrack(i + 1);
        current.push_back(items[i]);
        backtrack(i + 1);
        current.pop_back();
    };
    backtrack(0);
    return result;
}
`,
      },
    ],
  },
  {
    id: 'rotate_matrix',
    category: 'algorithms',
    difficulty: 'easy',
    tags: ['matrices'],
    kind: 'function',
    name: 'rotate matrix {dir}',
    params: ['matrix'],
    task: 'rotates the square [[matrix]] by 90 degrees {dir} in place, without allocating a second matrix.',
    variants: [
      {
        dir: 'clockwise',
        first: 'matrix.reverse()',
        second: '',
        flip: 'each row',
        ts_flip: 'for (const row of matrix) row.reverse();',
        rust_flip: 'matrix.iter_mut().for_each(|row| row.reverse());',
        cpp_flip: 'for (auto& row : matrix) std::reverse(row.begin(), row.end());',
      },
      {
        dir: 'counterclockwise',
        first: '# transpose first, then reverse the row order',
        second: '    matrix.reverse()\n',
        flip: 'the order of the rows',
        ts_flip: 'matrix.reverse();',
        rust_flip: 'matrix.reverse();',
        cpp_flip: 'std::reverse(matrix.begin(), matrix.end());',
      },
    ],
    python: `def $name(matrix):
    """Rotate in place: reverse the rows and transpose (or transpose and reverse each row)."""
    $first
    n = len(matrix)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i][j], matrix[j][i] = matrix[j][i], matrix[i][j]
$second`,
    typescript: `function $name(matrix: number[][]): void {
  // Rotate in place: transpose across the main diagonal, then reverse $flip.
  const n = matrix.length;
  if (matrix.some((row) => row.length !== n)) throw new Error('matrix must be square');
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) [matrix[i][j], matrix[j][i]] = [matrix[j][i], matrix[i][j]];
  }
  $ts_flip
}
`,
    rust: `/// Rotates in place: transpose across the main diagonal, then reverse $flip.
pub fn $name<T>(matrix: &mut [Vec<T>]) {
    let n = matrix.len();
    assert!(matrix.iter().all(|row| row.len() == n), "matrix must be square");
    for i in 0..n {
        for j in i + 1..n {
            let (upper, lower) = matrix.split_at_mut(j);
            std::mem::swap(&mut upper[i][j], &mut lower[0][i]);
        }
    }
    $rust_flip
}
`,
    cpp: `#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

/** Rotates in place: transpose across the main diagonal, then reverse $flip. */
void $name(std::vector<std::vector<int>>& matrix) {
    const std::size_t n = matrix.size();
    for (const auto& row : matrix) {
        if (row.size() != n) throw std::invalid_argument("matrix must be square");
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) std::swap(matrix[i][j], matrix[j][i]);
    }
    $cpp_flip
}
`,
  },
  {
    id: 'sliding_window_extreme',
    category: 'algorithms',
    difficulty: 'hard',
    tags: ['deque', 'sliding-window'],
    kind: 'function',
    name: 'sliding window {ext}',
    params: ['nums', 'window'],
    task: 'returns the {ext} of every contiguous window of [[window]] elements of [[nums]], in O(n) time with a monotonic deque.',
    variants: [
      { ext: 'maximum', cmp: '<=' },
      { ext: 'minimum', cmp: '>=' },
    ],
    python: `from collections import deque


def $name(nums, window):
    """Monotonic deque of indices; the front is the window's $ext."""
    result, dq = [], deque()
    for i, x in enumerate(nums):
        while dq and nums[dq[-1]] $cmp x:
            dq.pop()
        dq.append(i)
        if dq[0] <= i - window:
            dq.popleft()
        if i >= window - 1:
            result.append(nums[dq[0]])
    return result
`,
    typescript: `function $name(nums: number[], window: number): number[] {
  // Monotonic deque of indices (an array with a moving head); its front is always the current window's $ext.
  if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
  const result: number[] = [];
  const dq: number[] = [];
  let head = 0;
  nums.forEach((x, i) => {
    while (dq.length > head && nums[dq[dq.length - 1]] $cmp x) dq.pop();
    dq.push(i);
    if (dq[head] <= i - window) head++;
    if (i >= window - 1) result.push(nums[dq[head]]);
  });
  return result;
}
`,
    rust: `use std::collections::VecDeque;

/// Monotonic deque of indices; its front is always the current window's $ext.
pub fn $name(nums: &[i64], window: usize) -> Vec<i64> {
    assert!(window > 0, "window must be at least 1");
    let mut result = Vec::new();
    let mut dq: VecDeque<usize> = VecDeque::new();
    for (i, &x) in nums.iter().enumerate() {
        while dq.back().is_some_and(|&j| nums[j] $cmp x) {
            dq.pop_back();
        }
        dq.push_back(i);
        if dq[0] + window <= i {
            dq.pop_front();
        }
        if i + 1 >= window {
            result.push(nums[dq[0]]);
        }
    }
    result
}
`,
    cpp: `#include <cstddef>
#include <deque>
#include <stdexcept>
#include <vector>

/** Monotonic deque of indices; its front is always the current window's $ext. */
std::vector<int> $name(const std::vector<int>& nums, std::size_t window) {
    if (window == 0) throw std::invalid_argument("window must be at least 1");
    std::vector<int> result;
    std::deque<std::size_t> dq;
    for (std::size_t i = 0; i < nums.size(); ++i) {
        while (!dq.empty() && nums[dq.back()] $cmp nums[i]) dq.pop_back();
        dq.push_back(i);
        if (dq.front() + window <= i) dq.pop_front();
        if (i + 1 >= window) result.push_back(nums[dq.front()]);
    }
    return result;
}
`,
  },
  {
    id: 'max_subarray',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['dynamic-programming', 'kadane'],
    kind: 'function',
    name: 'max subarray {what}',
    params: ['nums'],
    task: 'returns the largest {what} of a non-empty contiguous subarray of [[nums]] in a single pass.',
    variants: [
      {
        what: 'sum',
        python: `def $name(nums):
    """Kadane's algorithm."""
    best = current = nums[0]
    for x in nums[1:]:
        current = max(x, current + x)
        best = max(best, current)
    return best
`,
        typescript: `function $name(nums: number[]): number {
  // Kadane's algorithm: the best sum ending at each element either extends the previous one or starts afresh.
  if (nums.length === 0) throw new Error('nums must not be empty');
  let best = nums[0];
  let current = nums[0];
  for (let i = 1; i < nums.length; i++) {
    current = Math.max(nums[i], current + nums[i]);
    best = Math.max(best, current);
  }
  return best;
}
`,
        rust: `/// Kadane's algorithm: the best sum ending at each element either extends the previous one or starts afresh.
/// Returns \`None\` for an empty slice, which has no non-empty subarray.
pub fn $name(nums: &[i64]) -> Option<i64> {
    let (&first, rest) = nums.split_first()?;
    let (mut best, mut current) = (first, first);
    for &x in rest {
        current = x.max(current + x);
        best = best.max(current);
    }
    Some(best)
}
`,
        cpp: `#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

/** Kadane's algorithm: the best sum ending at each element either extends the previous one or starts afresh. */
long long $name(const std::vector<long long>& nums) {
    if (nums.empty()) throw std::invalid_argument("nums must not be empty");
    long long best = nums[0], current = nums[0];
    for (std::size_t i = 1; i < nums.size(); ++i) {
        current = std::max(nums[i], current + nums[i]);
        best = std::max(best, current);
    }
    return best;
}
`,
      },
      {
        what: 'product',
        python: `def $name(nums):
    """Track both the largest and smallest product ending here (a negative flips them)."""
    best = hi = lo = nums[0]
    for x in nums[1:]:
        candidates = (x, hi * x, lo * x)
        hi, lo = max(candidates), min(candidates)
        best = max(best, hi)
    return best
`,
        typescript: `function $name(nums: number[]): number {
  // Track the largest and smallest product ending at each element, since a negative factor swaps them.
  if (nums.length === 0) throw new Error('nums must not be empty');
  let [best, hi, lo] = [nums[0], nums[0], nums[0]];
  for (let i = 1; i < nums.length; i++) {
    const x = nums[i];
    [hi, lo] = [Math.max(x, hi * x, lo * x), Math.min(x, hi * x, lo * x)];
    best = Math.max(best, hi);
  }
  return best;
}
`,
        rust: `/// Tracks the largest and smallest product ending at each element, since a negative factor swaps them.
/// Returns \`None\` for an empty slice, which has no non-empty subarray.
pub fn $name(nums: &[i64]) -> Option<i64> {
    let (&first, rest) = nums.split_first()?;
    let (mut best, mut hi, mut lo) = (first, first, first);
    for &x in rest {
        let (a, b) = (hi * x, lo * x);
        hi = x.max(a).max(b);
        lo = x.min(a).min(b);
        best = best.max(hi);
    }
    Some(best)
}
`,
        cpp: `#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

/** Tracks the largest and smallest product ending at each element, since a negative factor swaps them. */
long long $name(const std::vector<long long>& nums) {
    if (nums.empty()) throw std::invalid_argument("nums must not be empty");
    long long best = nums[0], hi = nums[0], lo = nums[0];
    for (std::size_t i = 1; i < nums.size(); ++i) {
        const long long x = nums[i], a = hi * x, b = lo * x;
        hi = std::max({x, a, b});
        lo = std::min({x, a, b});
        best = std::max(best, hi);
    }
    return best;
}
`,
      },
    ],
  },
  {
    id: 'merge_sorted',
    category: 'algorithms',
    difficulty: 'easy',
    tags: ['sorting', 'merging'],
    kind: 'function',
    name: 'merge {what}',
    params: ['lists'],
    task: 'merges {desc} into one sorted {list}{how}.',
    variants: [
      {
        what: 'sorted lists',
        p: 'lists',
        desc: 'the already sorted {list}s in [[lists]]',
        how: ' using a min-heap, in O(n log k) time for k lists',
        python: `import heapq


def $name(lists):
    """k-way merge with a heap of (value, list index, position)."""
    heap = [(lst[0], i, 0) for i, lst in enumerate(lists) if lst]
    heapq.heapify(heap)
    merged = []
    while heap:
        value, i, pos = heapq.heappop(heap)
        merged.append(value)
        if pos + 1 < len(lists[i]):
            heapq.heappush(heap, (lists[i][pos + 1], i, pos + 1))
    return merged
`,
        typescript: `function $name(lists: number[][]): number[] {
  // k-way merge: a binary min-heap of [value, list, position] holds the next unmerged item of every list.
  type Entry = [number, number, number];
  const heap: Entry[] = lists.flatMap((list, i): Entry[] => (list.length > 0 ? [[list[0], i, 0]] : []));
  const siftDown = (i: number): void => {
    for (;;) {
      let m = i;
      for (const c of [2 * i + 1, 2 * i + 2]) if (c < heap.length && heap[c][0] < heap[m][0]) m = c;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  const merged: number[] = [];
  while (heap.length > 0) {
    const [value, list, pos] = heap[0];
    merged.push(value);
    if (pos + 1 < lists[list].length) {
      heap[0] = [lists[list][pos + 1], list, pos + 1];
    } else {
      const last = heap.pop() as Entry;
      if (heap.length > 0) heap[0] = last;
    }
    siftDown(0);
  }
  return merged;
}
`,
        rust: `use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// k-way merge: a min-heap of (value, list, position) holds the next unmerged item of every list.
pub fn $name(lists: &[Vec<i64>]) -> Vec<i64> {
    let mut heap: BinaryHeap<Reverse<(i64, usize, usize)>> = lists
        .iter()
        .enumerate()
        .filter_map(|(i, list)| list.first().map(|&v| Reverse((v, i, 0))))
        .collect();
    let mut merged = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    while let Some(Reverse((value, i, pos))) = heap.pop() {
        merged.push(value);
        if let Some(&next) = lists[i].get(pos + 1) {
            heap.push(Reverse((next, i, pos + 1)));
        }
    }
    merged
}
`,
        cpp: `#include <cstddef>
#include <functional>
#include <queue>
#include <tuple>
#include <vector>

/** k-way merge: a min-heap of (value, list, position) holds the next unmerged item of every list. */
std::vector<int> $name(const std::vector<std::vector<int>>& lists) {
    using Entry = std::tuple<int, std::size_t, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        if (!lists[i].empty()) heap.emplace(lists[i][0], i, 0);
    }
    std::vector<int> merged;
    while (!heap.empty()) {
        auto [value, i, pos] = heap.top();
        heap.pop();
        merged.push_back(value);
        if (pos + 1 < lists[i].size()) heap.emplace(lists[i][pos + 1], i, pos + 1);
    }
    return merged;
}
`,
      },
      {
        what: 'sorted unique',
        p: 'lists',
        desc: 'the already sorted {list}s in [[lists]], dropping repeated values,',
        how: ' in O(n log k) time for k lists',
        python: `import heapq


def $name(lists):
    """heapq.merge is a lazy k-way merge; skip values equal to the last one kept."""
    merged = []
    for value in heapq.merge(*lists):
        if not merged or merged[-1] != value:
            merged.append(value)
    return merged
`,
        typescript: `function $name(lists: number[][]): number[] {
  // Divide and conquer: merge the lists pairwise in rounds (log k rounds of O(n) work), dropping repeats as they meet.
  const mergeTwo = (a: number[], b: number[]): number[] => {
    const out: number[] = [];
    let [i, j] = [0, 0];
    while (i < a.length || j < b.length) {
      const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
    }
    return out;
  };
  let round = lists.map((list) => mergeTwo(list, []));
  while (round.length > 1) {
    const next: number[][] = [];
    for (let i = 0; i < round.length; i += 2) next.push(mergeTwo(round[i], round[i + 1] ?? []));
    round = next;
  }
  return round[0] ?? [];
}
`,
        rust: `use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// k-way merge with a min-heap of (value, list, position), keeping a value only when it differs from the last kept.
pub fn $name(lists: &[Vec<i64>]) -> Vec<i64> {
    let mut heap: BinaryHeap<Reverse<(i64, usize, usize)>> = lists
        .iter()
        .enumerate()
        .filter_map(|(i, list)| list.first().map(|&v| Reverse((v, i, 0))))
        .collect();
    let mut merged: Vec<i64> = Vec::new();
    while let Some(Reverse((value, i, pos))) = heap.pop() {
        if merged.last() != Some(&value) {
            merged.push(value);
        }
        if let Some(&next) = lists[i].get(pos + 1) {
            heap.push(Reverse((next, i, pos + 1)));
        }
    }
    merged
}
`,
        cpp: `#include <cstddef>
#include <functional>
#include <queue>
#include <tuple>
#include <vector>

/** k-way merge with a min-heap of (value, list, position), keeping a value only when it differs from the last kept. */
std::vector<int> $name(const std::vector<std::vector<int>>& lists) {
    using Entry = std::tuple<int, std::size_t, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        if (!lists[i].empty()) heap.emplace(lists[i][0], i, 0);
    }
    std::vector<int> merged;
    while (!heap.empty()) {
        auto [value, i, pos] = heap.top();
        heap.pop();
        if (merged.empty() || merged.back() != value) merged.push_back(value);
        if (pos + 1 < lists[i].size()) heap.emplace(lists[i][pos + 1], i, pos + 1);
    }
    return merged;
}
`,
      },
    ],
  },
  {
    id: 'detect_cycle',
    category: 'algorithms',
    difficulty: 'medium',
    tags: ['graphs', 'dfs'],
    kind: 'function',
    name: 'has cycle',
    params: ['graph'],
    task: 'returns true if the {kind} graph [[graph]] (a {map} from each node to its {list} of neighbors) contains a cycle, and false otherwise.',
    variants: [
      {
        kind: 'directed',
        python: `def $name(graph):
    """Iterative DFS with three colours: white (0), on the stack (1), done (2)."""
    color = {}
    for start in graph:
        if color.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        color[start] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                state = color.get(child, 0)
                if state == 1:
                    return True
                if state == 0:
                    color[child] = 1
                    stack.append((child, iter(graph.get(child, []))))
                    break
            else:
                color[node] = 2
                stack.pop()
    return False
`,
        typescript: `function $name<T>(graph: Map<T, T[]>): boolean {
  // Iterative DFS with three states (unseen, on the current path, finished); an edge back into the path closes a cycle.
  const onPath = new Set<T>();
  const finished = new Set<T>();
  for (const start of graph.keys()) {
    if (finished.has(start)) continue;
    onPath.add(start);
    const stack: [T, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = graph.get(top[0]) ?? [];
      if (top[1] < children.length) {
        const child = children[top[1]++];
        if (onPath.has(child)) return true;
        if (!finished.has(child)) {
          onPath.add(child);
          stack.push([child, 0]);
        }
      } else {
        onPath.delete(top[0]);
        finished.add(top[0]);
        stack.pop();
      }
    }
  }
  return false;
}
`,
        rust: `use std::collections::HashMap;
use std::hash::Hash;

/// Iterative DFS with three states (unseen, on the current path, finished); an edge back into the path closes a cycle.
pub fn $name<N: Copy + Eq + Hash>(graph: &HashMap<N, Vec<N>>) -> bool {
    enum State {
        OnPath,
        Finished,
    }
    let mut state: HashMap<N, State> = HashMap::new();
    for &start in graph.keys() {
        if state.contains_key(&start) {
            continue;
        }
        state.insert(start, State::OnPath);
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            match graph.get(node).and_then(|children| children.get(*next)) {
                Some(&child) => {
                    *next += 1;
                    match state.get(&child) {
                        Some(State::OnPath) => return true,
                        Some(State::Finished) => {}
                        None => {
                            state.insert(child, State::OnPath);
                            stack.push((child, 0));
                        }
                    }
                }
                None => {
                    state.insert(*node, State::Finished);
                    stack.pop();
                }
            }
        }
    }
    false
}
`,
        cpp: `#include <cstddef>
#include <unordered_map>
#include <utility>
#include <vector>

/** Iterative DFS with three states (unseen, on the current path, finished); an edge back into the path closes a cycle. */
bool $name(const std::unordered_map<int, std::vector<int>>& graph) {
    enum class State { OnPath, Finished };
    std::unordered_map<int, State> state;  // absent = unseen
    const std::vector<int> no_children;
    for (const auto& entry : graph) {
        if (state.count(entry.first)) continue;
        state[entry.first] = State::OnPath;
        std::vector<std::pair<int, std::size_t>> stack{{entry.first, 0}};
        while (!stack.empty()) {
            const int node = stack.back().first;
            auto it = graph.find(node);
            const std::vector<int>& children = it == graph.end() ? no_children : it->second;
            if (stack.back().second == children.size()) {
                state[node] = State::Finished;
                stack.pop_back();
                continue;
            }
            const int child = children[stack.back().second++];
            auto seen = state.find(child);
            if (seen == state.end()) {
                state[child] = State::OnPath;
                stack.emplace_back(child, 0);
            } else if (seen->second == State::OnPath) {
                return true;
            }
        }
    }
    return false;
}
`,
      },
      {
        kind: 'undirected',
        python: `def $name(graph):
    """Union-find over the edges; an edge inside one component closes a cycle."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen_edges = set()
    for u, neighbors in graph.items():
        for v in neighbors:
            edge = (min(u, v), max(u, v))
            if edge in seen_edges:
                continue
            seen_edges.add(edge)
            ru, rv = find(u), find(v)
            if ru == rv:
                return True
            parent[ru] = rv
    return False
`,
        typescript: `function $name<T>(graph: Map<T, T[]>): boolean {
  // Union-find over the edges, each used once although listed from both ends; an edge inside one component closes a cycle.
  const parent = new Map<T, T>();
  const find = (x: T): T => {
    for (let p = parent.get(x); p !== undefined; p = parent.get(x)) x = p;
    return x;
  };
  const used = new Map<T, Set<T>>();
  for (const [u, neighbors] of graph) {
    for (const v of neighbors) {
      if (used.get(u)?.has(v) || used.get(v)?.has(u)) continue;
      used.set(u, (used.get(u) ?? new Set<T>()).add(v));
      const [ru, rv] = [find(u), find(v)];
      if (ru === rv) return true;
      parent.set(ru, rv);
    }
  }
  return false;
}
`,
        rust: `use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// Union-find over the edges, each used once although listed from both ends; an edge inside one component closes a cycle.
pub fn $name<N: Copy + Eq + Hash + Ord>(graph: &HashMap<N, Vec<N>>) -> bool {
    fn find<N: Copy + Eq + Hash>(parent: &HashMap<N, N>, mut x: N) -> N {
        while let Some(&p) = parent.get(&x) {
            x = p;
        }
        x
    }
    let mut parent = HashMap::new();
    let mut used = HashSet::new();
    for (&u, neighbors) in graph {
        for &v in neighbors {
            if !used.insert((u.min(v), u.max(v))) {
                continue;
            }
            let (ru, rv) = (find(&parent, u), find(&parent, v));
            if ru == rv {
                return true;
            }
            parent.insert(ru, rv);
        }
    }
    false
}
`,
        cpp: `#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

/** Union-find over the edges, each used once although listed from both ends; an edge inside one component closes a cycle. */
bool $name(const std::unordered_map<int, std::vector<int>>& graph) {
    std::unordered_map<int, int> parent;  // roots have no entry
    auto find = [&parent](int x) {
        for (auto it = parent.find(x); it != parent.end(); it = parent.find(x)) x = it->second;
        return x;
    };
    std::set<std::pair<int, int>> used;
    for (const auto& [u, neighbors] : graph) {
        for (int v : neighbors) {
            if (!used.insert(std::minmax(u, v)).second) continue;
            const int ru = find(u), rv = find(v);
            if (ru == rv) return true;
            parent[ru] = rv;
        }
    }
    return false;
}
`,
      },
    ],
  },
];
