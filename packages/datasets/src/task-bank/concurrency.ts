/** Task templates: concurrency. */
import type { TaskTemplate } from './types';

export const CONCURRENCY_TASKS: readonly TaskTemplate[] = [
  {
    id: 'bounded_parallel_map',
    category: 'concurrency',
    difficulty: 'hard',
    tags: ['parallelism', 'limits'],
    kind: 'function',
    name: 'parallel map',
    params: ['items', 'worker', 'limit'],
    task: 'applies [[worker]] to every element of [[items]] concurrently with at most [[limit]] calls in flight, returns the results in input order, and {fail}.',
    variants: [
      {
        fail: 'propagates the first failure after the calls in flight have finished',
        python: `from concurrent.futures import ThreadPoolExecutor


def $name(items, worker, limit):
    """A pool of limit threads; map keeps input order and re-raises the first error."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    with ThreadPoolExecutor(max_workers=limit) as pool:
        return list(pool.map(worker, items))
`,
      },
      {
        fail: 'collects failures instead of stopping, returning for each element either its result or its error',
        python: `from concurrent.futures import ThreadPoolExecutor


def $name(items, worker, limit):
    """Each slot holds ("ok", result) or ("error", exception), in input order."""
    if limit < 1:
        raise ValueError("limit must be at least 1")

    def safe(item):
        try:
            return ("ok", worker(item))
        except Exception as error:  # noqa: BLE001 - failures are part of the result
            return ("error", error)

    with ThreadPoolExecutor(max_workers=limit) as pool:
        return list(pool.map(safe, items))
`,
      },
    ],
  },
  {
    id: 'retry_backoff',
    category: 'concurrency',
    difficulty: 'medium',
    tags: ['retries', 'timing'],
    kind: 'function',
    name: 'retry with backoff',
    params: ['operation', 'max attempts', 'base delay ms'],
    task: 'calls [[operation]] until it succeeds or [[max attempts]] attempts have failed, waiting [[base delay ms]] milliseconds times 2^(attempt-1) between attempts{jitter}, and re-raises the last error when every attempt fails.',
    variants: [
      { jitter: '', delay: 'base' },
      { jitter: ' with full jitter (a uniformly random wait between 0 and that value)', delay: 'random.uniform(0, base)' },
    ],
    python: `import random
import time


def $name(operation, max_attempts, base_delay_ms):
    """Exponential backoff between attempts; the last error propagates."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    for attempt in range(1, max_attempts + 1):
        try:
            return operation()
        except Exception:
            if attempt == max_attempts:
                raise
            base = base_delay_ms * 2 ** (attempt - 1) / 1000.0
            time.sleep($delay)
    raise AssertionError("unreachable")
`,
  },
  {
    id: 'blocking_queue',
    category: 'concurrency',
    difficulty: 'hard',
    tags: ['producer-consumer', 'synchronization'],
    kind: 'class',
    name: 'bounded queue',
    params: ['capacity'],
    methods: [
      { name: 'put', params: ['item', 'timeout ms'] },
      { name: 'take', params: ['timeout ms'] },
    ],
    task: 'implements a thread-safe FIFO queue of at most [[capacity]] items for producers and consumers: [[put]] blocks while the queue is full and [[take]] blocks while it is empty, each giving up {giveup} after [[timeout ms]] milliseconds.',
    variants: [
      { giveup: 'with a timeout error', fail: 'raise TimeoutError("queue operation timed out")', ok: 'return None' },
      { giveup: 'by returning false (put) or {none} (take)', fail: 'return False if is_put else None', ok: 'return True' },
    ],
  },
  {
    id: 'debounce',
    category: 'concurrency',
    difficulty: 'medium',
    tags: ['timers', 'events'],
    kind: 'function',
    name: '{what}',
    params: ['action', 'wait ms'],
    task: 'returns a wrapper around [[action]] that {desc}; the wrapper must be safe to call from several threads or tasks.',
    variants: [
      {
        what: 'debounce',
        desc: 'runs [[action]] only once calls have stopped for [[wait ms]] milliseconds, with the arguments of the last call',
        python: `import threading


def $name(action, wait_ms):
    """Each call cancels the pending timer and starts a new one."""
    lock = threading.Lock()
    timer = None

    def wrapper(*args, **kwargs):
        nonlocal timer
        with lock:
            if timer is not None:
                timer.cancel()
            timer = threading.Timer(wait_ms / 1000.0, action, args, kwargs)
            timer.daemon = True
            timer.start()

    return wrapper
`,
      },
      {
        what: 'throttle',
        desc: 'runs [[action]] at most once every [[wait ms]] milliseconds, dropping the calls in between',
        python: `import threading
import time


def $name(action, wait_ms):
    """Run immediately unless the last run was less than wait_ms ago."""
    lock = threading.Lock()
    last = float("-inf")

    def wrapper(*args, **kwargs):
        nonlocal last
        with lock:
            now = time.monotonic()
            if (now - last) * 1000.0 < wait_ms:
                return None
            last = now
        return action(*args, **kwargs)

    return wrapper
`,
      },
    ],
  },
  {
    id: 'atomic_counter',
    category: 'concurrency',
    difficulty: 'easy',
    tags: ['synchronization', 'locks'],
    kind: 'class',
    name: 'thread safe counter',
    params: ['{arg}'],
    methods: [
      { name: 'increment', params: [] },
      { name: 'decrement', params: [] },
      { name: 'value', params: [] },
    ],
    task: 'implements a counter {desc} that many threads can update at once without losing updates.',
    variants: [
      { arg: 'start', desc: 'starting at [[start]]', check: '' },
      { arg: 'limit', desc: 'that never goes below 0 or above [[limit]] (updates that would cross a bound are errors)', check: 'bounded' },
    ],
  },
  {
    id: 'run_with_timeout',
    category: 'concurrency',
    difficulty: 'medium',
    tags: ['timeouts', 'cancellation'],
    kind: 'function',
    name: 'run with timeout',
    params: ['task', 'timeout ms'],
    task: 'runs [[task]] and returns its result, or fails with a timeout error if it has not finished within [[timeout ms]] milliseconds{cancel}.',
    variants: [
      { cancel: '' },
      { cancel: ', signalling the task to cancel through a cancellation token or event that it receives as its argument' },
    ],
  },
  {
    id: 'resource_pool',
    category: 'concurrency',
    difficulty: 'hard',
    tags: ['pooling', 'semaphores'],
    kind: 'class',
    name: '{what} pool',
    params: ['factory', 'size'],
    methods: [
      { name: 'acquire', params: [] },
      { name: 'release', params: ['resource'] },
    ],
    task: 'manages at most [[size]] {what}s created lazily by [[factory]]; [[acquire]] waits until one is free, and [[release]] returns it (releasing an object that was not acquired is an error).',
    variants: [{ what: 'connection' }, { what: 'worker' }],
  },
];
