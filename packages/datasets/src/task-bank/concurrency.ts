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
        typescript: `/** limit lanes pull the next index; after a failure no new call starts and the first error is thrown once the running ones settle. */
async function $name<T, R>(items: readonly T[], worker: (item: T) => Promise<R>, limit: number): Promise<R[]> {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await worker(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}
`,
        rust: `use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// \\\`limit\\\` scoped threads pull the next index; after a failure no new call starts and the first error is returned.
pub fn $name<T, R, E, F>(items: &[T], worker: F, limit: usize) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    assert!(limit > 0, "limit must be at least 1");
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let slots: Vec<Mutex<Option<Result<R, E>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..limit.min(items.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= items.len() || failed.load(Ordering::SeqCst) {
                    break;
                }
                let result = worker(&items[index]);
                failed.fetch_or(result.is_err(), Ordering::SeqCst);
                *slots[index].lock().unwrap() = Some(result);
            });
        }
    });
    // Slots left empty were skipped after a failure, so an error is always found before the end.
    slots.into_iter().filter_map(|slot| slot.into_inner().unwrap()).collect()
}
`,
        cpp: `#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

// limit threads pull the next index; after a failure no new call starts and the first exception is rethrown after the joins.
template <typename T, typename F, typename R = std::invoke_result_t<F&, const T&>>
std::vector<R> $name(const std::vector<T>& items, F worker, std::size_t limit) {
    if (limit == 0) throw std::invalid_argument("limit must be at least 1");
    std::vector<std::optional<R>> slots(items.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < std::min(limit, items.size()); ++t) {
        threads.emplace_back([&] {
            for (std::size_t i = next++; i < items.size() && !failed; i = next++) {
                try {
                    slots[i] = worker(items[i]);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(error_mutex);
                    if (!first_error) first_error = std::current_exception();
                    failed = true;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    if (first_error) std::rethrow_exception(first_error);
    std::vector<R> results;
    for (auto& slot : slots) results.push_back(std::move(*slot));
    return results;
}
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
        typescript: `/** limit lanes pull the next index and record each outcome as a settled result, in input order. */
async function $name<T, R>(items: readonly T[], worker: (item: T) => Promise<R>, limit: number): Promise<PromiseSettledResult<R>[]> {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await worker(items[index]) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
`,
        rust: `use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// \\\`limit\\\` scoped threads pull the next index and store each \\\`Result\\\` in its slot, so failures do not stop the rest.
pub fn $name<T, R, E, F>(items: &[T], worker: F, limit: usize) -> Vec<Result<R, E>>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    assert!(limit > 0, "limit must be at least 1");
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<R, E>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..limit.min(items.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= items.len() {
                    break;
                }
                *slots[index].lock().unwrap() = Some(worker(&items[index]));
            });
        }
    });
    slots.into_iter().map(|slot| slot.into_inner().unwrap().expect("every item ran")).collect()
}
`,
        cpp: `#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

// limit threads pull the next index; each slot holds the result or the exception the worker threw.
template <typename T, typename F, typename R = std::invoke_result_t<F&, const T&>>
std::vector<std::variant<R, std::exception_ptr>> $name(const std::vector<T>& items, F worker, std::size_t limit) {
    if (limit == 0) throw std::invalid_argument("limit must be at least 1");
    std::vector<std::variant<R, std::exception_ptr>> results(items.size(), std::exception_ptr());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < std::min(limit, items.size()); ++t) {
        threads.emplace_back([&] {
            for (std::size_t i = next++; i < items.size(); i = next++) {
                try {
                    results[i] = worker(items[i]);
                } catch (...) {
                    results[i] = std::current_exception();
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    return results;
}
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
      {
        jitter: '',
        delay: 'base',
        ts_delay: 'base',
        rust_use: '',
        rust_delay: 'base',
        cpp_include: '',
        cpp_wait: 'const long long wait = base;',
      },
      {
        jitter: ' with full jitter (a uniformly random wait between 0 and that value)',
        delay: 'random.uniform(0, base)',
        ts_delay: 'Math.random() * base',
        rust_use: `use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
`,
        rust_delay: 'RandomState::new().build_hasher().finish() % (base + 1)',
        cpp_include: `#include <random>
`,
        cpp_wait: `std::random_device device;
        const long long wait = std::uniform_int_distribution<long long>(0, base)(device);`,
      },
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
    typescript: `/** Awaits operation, sleeping baseDelayMs * 2^(attempt-1) ms (the wait$jitter) between failures; the last error propagates. */
async function $name<T>(operation: () => Promise<T>, maxAttempts: number, baseDelayMs: number): Promise<T> {
  if (maxAttempts < 1) throw new RangeError('maxAttempts must be at least 1');
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= maxAttempts) throw error;
      const base = baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, $ts_delay));
    }
  }
}
`,
    rust: `\${rust_use}use std::thread;
use std::time::Duration;

/// Calls \\\`operation\\\` until it succeeds, sleeping base_delay_ms * 2^(attempt-1) ms (the wait$jitter) between failures.
pub fn $name<T, E>(mut operation: impl FnMut() -> Result<T, E>, max_attempts: u32, base_delay_ms: u64) -> Result<T, E> {
    assert!(max_attempts > 0, "max_attempts must be at least 1");
    let mut attempt = 1;
    loop {
        match operation() {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= max_attempts => return Err(error),
            Err(_) => {
                let base = base_delay_ms.saturating_mul(1u64 << (attempt - 1).min(32));
                thread::sleep(Duration::from_millis($rust_delay));
                attempt += 1;
            }
        }
    }
}
`,
    cpp: `#include <algorithm>
#include <chrono>
\${cpp_include}#include <stdexcept>
#include <thread>

// Calls operation until it succeeds, sleeping base_delay_ms * 2^(attempt-1) ms (the wait$jitter) between failures.
template <typename F>
auto $name(F operation, int max_attempts, long long base_delay_ms) -> decltype(operation()) {
    if (max_attempts < 1) throw std::invalid_argument("max_attempts must be at least 1");
    for (int attempt = 1;; ++attempt) {
        try {
            return operation();
        } catch (...) {
            if (attempt >= max_attempts) throw;  // the last error propagates
        }
        const long long base = base_delay_ms << std::min(attempt - 1, 30);
        $cpp_wait
        std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
}
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
      {
        giveup: 'with a timeout error',
        fail: 'raise TimeoutError("queue operation timed out")',
        ok: 'return None',
        typescript: `/** Async producers and consumers wait in FIFO lists of wake-up callbacks; a deadline timer gives up for them. */
class $name<T> {
  private readonly items: T[] = [];
  private readonly putters: (() => void)[] = [];
  private readonly takers: (() => void)[] = [];

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  async put(item: T, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length >= this.capacity) {
      if (!(await this.wait(this.putters, deadline))) throw new Error(\`put timed out after \${timeoutMs} ms\`);
    }
    this.items.push(item);
    this.takers.shift()?.();
  }

  async take(timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length === 0) {
      if (!(await this.wait(this.takers, deadline))) throw new Error(\`take timed out after \${timeoutMs} ms\`);
    }
    const item = this.items.shift() as T;
    this.putters.shift()?.();
    return item;
  }

  /** Resolves true when woken, false once the deadline passes (the waiter is then removed). */
  private wait(waiters: (() => void)[], deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(wake), 1);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      waiters.push(wake);
    });
  }
}
`,
        rust: `use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A VecDeque behind one Mutex with two Condvars (not full, not empty); each wait gives up after the timeout.
pub struct $name<T> {
    capacity: usize,
    items: Mutex<VecDeque<T>>,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> $name<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1");
        let items = Mutex::new(VecDeque::with_capacity(capacity));
        Self { capacity, items, not_full: Condvar::new(), not_empty: Condvar::new() }
    }

    pub fn put(&self, item: T, timeout_ms: u64) -> Result<(), String> {
        let guard = self.items.lock().unwrap();
        let timeout = Duration::from_millis(timeout_ms);
        let (mut items, wait) = self.not_full.wait_timeout_while(guard, timeout, |items| items.len() >= self.capacity).unwrap();
        if wait.timed_out() {
            return Err(format!("put timed out after {timeout_ms} ms"));
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    pub fn take(&self, timeout_ms: u64) -> Result<T, String> {
        let guard = self.items.lock().unwrap();
        let timeout = Duration::from_millis(timeout_ms);
        let (mut items, wait) = self.not_empty.wait_timeout_while(guard, timeout, |items| items.is_empty()).unwrap();
        if wait.timed_out() {
            return Err(format!("take timed out after {timeout_ms} ms"));
        }
        let item = items.pop_front();
        self.not_full.notify_one();
        Ok(item.expect("not empty"))
    }
}
`,
        cpp: `#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

// A deque behind one mutex with two condition variables (not full, not empty); each wait gives up after the timeout.
template <typename T>
class $name {
public:
    explicit $name(std::size_t capacity) : capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("capacity must be at least 1");
    }

    void put(T item, long long timeout_ms) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!not_full_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return items_.size() < capacity_; })) {
            throw std::runtime_error("put timed out after " + std::to_string(timeout_ms) + " ms");
        }
        items_.push_back(std::move(item));
        not_empty_.notify_one();
    }

    T take(long long timeout_ms) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!not_empty_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !items_.empty(); })) {
            throw std::runtime_error("take timed out after " + std::to_string(timeout_ms) + " ms");
        }
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

private:
    std::size_t capacity_;
    std::deque<T> items_;
    std::mutex mutex_;
    std::condition_variable not_full_, not_empty_;
};
`,
      },
      {
        giveup: 'by returning false (put) or {none} (take)',
        fail: 'return False if is_put else None',
        ok: 'return True',
        typescript: `/** Async producers and consumers wait in FIFO lists of wake-up callbacks; a deadline timer gives up for them. */
class $name<T> {
  private readonly items: T[] = [];
  private readonly putters: (() => void)[] = [];
  private readonly takers: (() => void)[] = [];

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  async put(item: T, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length >= this.capacity) {
      if (!(await this.wait(this.putters, deadline))) return false;
    }
    this.items.push(item);
    this.takers.shift()?.();
    return true;
  }

  async take(timeoutMs: number): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length === 0) {
      if (!(await this.wait(this.takers, deadline))) return null;
    }
    const item = this.items.shift() as T;
    this.putters.shift()?.();
    return item;
  }

  /** Resolves true when woken, false once the deadline passes (the waiter is then removed). */
  private wait(waiters: (() => void)[], deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(wake), 1);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      waiters.push(wake);
    });
  }
}
`,
        rust: `use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A VecDeque behind one Mutex with two Condvars (not full, not empty); each wait gives up after the timeout.
pub struct $name<T> {
    capacity: usize,
    items: Mutex<VecDeque<T>>,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> $name<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1");
        let items = Mutex::new(VecDeque::with_capacity(capacity));
        Self { capacity, items, not_full: Condvar::new(), not_empty: Condvar::new() }
    }

    pub fn put(&self, item: T, timeout_ms: u64) -> bool {
        let guard = self.items.lock().unwrap();
        let timeout = Duration::from_millis(timeout_ms);
        let (mut items, wait) = self.not_full.wait_timeout_while(guard, timeout, |items| items.len() >= self.capacity).unwrap();
        if wait.timed_out() {
            return false;
        }
        items.push_back(item);
        self.not_empty.notify_one();
        true
    }

    pub fn take(&self, timeout_ms: u64) -> Option<T> {
        let guard = self.items.lock().unwrap();
        let timeout = Duration::from_millis(timeout_ms);
        let (mut items, wait) = self.not_empty.wait_timeout_while(guard, timeout, |items| items.is_empty()).unwrap();
        if wait.timed_out() {
            return None;
        }
        let item = items.pop_front();
        self.not_full.notify_one();
        item
    }
}
`,
        cpp: `#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>

// A deque behind one mutex with two condition variables (not full, not empty); each wait gives up after the timeout.
template <typename T>
class $name {
public:
    explicit $name(std::size_t capacity) : capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("capacity must be at least 1");
    }

    bool put(T item, long long timeout_ms) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!not_full_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return items_.size() < capacity_; })) {
            return false;
        }
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }

    std::optional<T> take(long long timeout_ms) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!not_empty_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !items_.empty(); })) {
            return std::nullopt;
        }
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

private:
    std::size_t capacity_;
    std::deque<T> items_;
    std::mutex mutex_;
    std::condition_variable not_full_, not_empty_;
};
`,
      },
    ],
    python: `import threading
from collections import deque


class $name:
    """A deque guarded by one lock with two conditions: not full and not empty."""

    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.items = deque()
        lock = threading.Lock()
        self.not_full = threading.Condition(lock)
        self.not_empty = threading.Condition(lock)

    def put(self, item, timeout_ms):
        with self.not_full:
            if not self.not_full.wait_for(lambda: len(self.items) < self.capacity, timeout_ms / 1000.0):
                return self._give_up(True)
            self.items.append(item)
            self.not_empty.notify()
            $ok

    def take(self, timeout_ms):
        with self.not_empty:
            if not self.not_empty.wait_for(lambda: len(self.items) > 0, timeout_ms / 1000.0):
                return self._give_up(False)
            item = self.items.popleft()
            self.not_full.notify()
            return item

    def _give_up(self, is_put):
        $fail
`,
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
        typescript: `/** Each call clears the pending timer and schedules action with the latest arguments (JS runs callbacks on one thread). */
function $name<A extends unknown[]>(action: (...args: A) => void, waitMs: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A): void => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), waitMs);
  };
}
`,
        rust: `use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Each call bumps a shared generation and starts a timer thread; only the timer of the latest call runs \\\`action\\\`.
pub fn $name<A, F>(action: F, wait_ms: u64) -> impl Fn(A) + Send + Sync
where
    A: Send + 'static,
    F: Fn(A) + Send + Sync + 'static,
{
    let action = Arc::new(action);
    let generation = Arc::new(AtomicU64::new(0));
    move |args: A| {
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (action, generation) = (Arc::clone(&action), Arc::clone(&generation));
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(wait_ms));
            if generation.load(Ordering::SeqCst) == mine {
                action(args);
            }
        });
    }
}
`,
        cpp: `#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

// Each call bumps a shared generation and starts a detached timer thread; only the timer of the latest call runs action.
template <typename F>
auto $name(F action, long long wait_ms) {
    auto generation = std::make_shared<std::atomic<unsigned long long>>(0);
    return [action, generation, wait_ms](auto... args) {
        const unsigned long long mine = ++*generation;
        std::thread([=] {
            std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
            if (*generation == mine) action(args...);
        }).detach();
    };
}
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
        typescript: `/** Runs action unless the previous run was less than waitMs ago; dropped calls return undefined. */
function $name<A extends unknown[], R>(action: (...args: A) => R, waitMs: number): (...args: A) => R | undefined {
  let last = -Infinity;
  return (...args: A): R | undefined => {
    const now = performance.now();
    if (now - last < waitMs) return undefined;
    last = now;
    return action(...args);
  };
}
`,
        rust: `use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs \\\`action\\\` unless the previous run started less than \\\`wait_ms\\\` ago; dropped calls return None.
pub fn $name<A, R>(action: impl Fn(A) -> R + Send + Sync, wait_ms: u64) -> impl Fn(A) -> Option<R> + Send + Sync {
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    move |args| {
        {
            let mut last = last.lock().unwrap();
            if last.map_or(false, |at| at.elapsed() < Duration::from_millis(wait_ms)) {
                return None;
            }
            *last = Some(Instant::now());
        }
        Some(action(args))
    }
}
`,
        cpp: `#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

// Runs action unless the previous run started less than wait_ms ago; returns whether this call ran it.
template <typename F>
auto $name(F action, long long wait_ms) {
    struct State {
        std::mutex mutex;
        std::optional<std::chrono::steady_clock::time_point> last;
    };
    auto state = std::make_shared<State>();
    return [action, state, wait_ms](const auto&... args) {
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            const auto now = std::chrono::steady_clock::now();
            if (state->last && std::chrono::milliseconds(wait_ms) > now - *state->last) return false;
            state->last = now;
        }
        action(args...);
        return true;
    };
}
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
      {
        arg: 'start',
        desc: 'starting at [[start]]',
        check: '',
        python: `import threading


class $name:
    """A lock makes each read-modify-write atomic."""

    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock()

    def increment(self):
        with self._lock:
            self._value += 1
            return self._value

    def decrement(self):
        with self._lock:
            self._value -= 1
            return self._value

    def value(self):
        with self._lock:
            return self._value
`,
        typescript: `/** Keeps the count in a SharedArrayBuffer updated with Atomics, so worker threads sharing it never lose updates. */
class $name {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));

  constructor(start: number) {
    Atomics.store(this.cell, 0, start);
  }

  increment(): number {
    return Atomics.add(this.cell, 0, 1) + 1;
  }

  decrement(): number {
    return Atomics.sub(this.cell, 0, 1) - 1;
  }

  value(): number {
    return Atomics.load(this.cell, 0);
  }
}
`,
        rust: `use std::sync::atomic::{AtomicI64, Ordering};

/// An AtomicI64 updated with fetch_add / fetch_sub, so no update is lost; share it through an \\\`Arc\\\`.
pub struct $name {
    count: AtomicI64,
}

impl $name {
    pub fn new(start: i64) -> Self {
        Self { count: AtomicI64::new(start) }
    }

    pub fn increment(&self) -> i64 {
        self.count.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn decrement(&self) -> i64 {
        self.count.fetch_sub(1, Ordering::SeqCst) - 1
    }

    pub fn value(&self) -> i64 {
        self.count.load(Ordering::SeqCst)
    }
}
`,
        cpp: `#include <atomic>

// A std::atomic updated with fetch_add / fetch_sub, so concurrent updates are never lost.
class $name {
public:
    explicit $name(long long start) : count_(start) {}

    long long increment() { return count_.fetch_add(1) + 1; }
    long long decrement() { return count_.fetch_sub(1) - 1; }
    long long value() const { return count_.load(); }

private:
    std::atomic<long long> count_;
};
`,
      },
      {
        arg: 'limit',
        desc: 'that never goes below 0 or above [[limit]] (updates that would cross a bound are errors)',
        check: 'bounded',
        python: `import threading


class $name:
    """A lock makes the bounds check and the update one atomic step."""

    def __init__(self, limit):
        if limit < 0:
            raise ValueError("limit must not be negative")
        self._limit = limit
        self._value = 0
        self._lock = threading.Lock()

    def _step(self, delta):
        with self._lock:
            new = self._value + delta
            if not 0 <= new <= self._limit:
                raise ValueError(f"counter would leave [0, {self._limit}]")
            self._value = new
            return new

    def increment(self):
        return self._step(1)

    def decrement(self):
        return self._step(-1)

    def value(self):
        with self._lock:
            return self._value
`,
        typescript: `/** Keeps the count in a SharedArrayBuffer; a compare-exchange loop checks the bounds and updates atomically. */
class $name {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly limit: number) {
    if (limit < 0) throw new RangeError('limit must not be negative');
  }

  increment(): number {
    return this.step(1);
  }

  decrement(): number {
    return this.step(-1);
  }

  value(): number {
    return Atomics.load(this.cell, 0);
  }

  private step(delta: number): number {
    for (;;) {
      const current = Atomics.load(this.cell, 0);
      const next = current + delta;
      if (next < 0 || next > this.limit) throw new RangeError(\`counter would leave [0, \${this.limit}]\`);
      if (Atomics.compareExchange(this.cell, 0, current, next) === current) return next;
    }
  }
}
`,
        rust: `use std::sync::atomic::{AtomicU64, Ordering};

/// An AtomicU64 updated with fetch_update, which checks the bounds and swaps atomically (retrying on contention).
pub struct $name {
    count: AtomicU64,
    limit: u64,
}

impl $name {
    pub fn new(limit: u64) -> Self {
        Self { count: AtomicU64::new(0), limit }
    }

    pub fn increment(&self) -> Result<u64, String> {
        self.step(|n| n.checked_add(1).filter(|&n| n <= self.limit))
    }

    pub fn decrement(&self) -> Result<u64, String> {
        self.step(|n| n.checked_sub(1))
    }

    pub fn value(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    fn step(&self, update: impl Fn(u64) -> Option<u64>) -> Result<u64, String> {
        match self.count.fetch_update(Ordering::SeqCst, Ordering::SeqCst, &update) {
            Ok(previous) => Ok(update(previous).expect("checked by fetch_update")),
            Err(current) => Err(format!("counter at {current} would leave [0, {}]", self.limit)),
        }
    }
}
`,
        cpp: `#include <atomic>
#include <stdexcept>
#include <string>

// A std::atomic updated by a compare-exchange loop that checks the bounds before each swap.
class $name {
public:
    explicit $name(long long limit) : limit_(limit) {
        if (limit < 0) throw std::invalid_argument("limit must not be negative");
    }

    long long increment() { return step(1); }
    long long decrement() { return step(-1); }
    long long value() const { return count_.load(); }

private:
    long long step(long long delta) {
        long long current = count_.load();
        long long next;
        do {
            next = current + delta;
            if (next < 0 || next > limit_) throw std::out_of_range("counter would leave [0, " + std::to_string(limit_) + "]");
        } while (!count_.compare_exchange_weak(current, next));
        return next;
    }

    const long long limit_;
    std::atomic<long long> count_{0};
};
`,
      },
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
      {
        cancel: '',
        python: `from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout


def $name(task, timeout_ms):
    """Run task on a worker thread and wait at most timeout_ms for its result."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(task)
    try:
        return future.result(timeout=timeout_ms / 1000.0)
    except FutureTimeout:
        raise TimeoutError(f"task did not finish within {timeout_ms} ms") from None
    finally:
        pool.shutdown(wait=False)
`,
        typescript: `/** Races the task against a timer and clears the timer whichever settles first. */
async function $name<T>(task: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(\`task did not finish within \${timeoutMs} ms\`)), timeoutMs);
  });
  try {
    return await Promise.race([task(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
`,
        rust: `use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// Runs \\\`task\\\` on its own thread and waits on a channel at most \\\`timeout_ms\\\`; a late task finishes unobserved.
pub fn $name<T: Send + 'static>(task: impl FnOnce() -> T + Send + 'static, timeout_ms: u64) -> Result<T, String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || sender.send(task()));
    receiver.recv_timeout(Duration::from_millis(timeout_ms)).map_err(|error| match error {
        RecvTimeoutError::Timeout => format!("task did not finish within {timeout_ms} ms"),
        RecvTimeoutError::Disconnected => "task panicked".to_string(),
    })
}
`,
        cpp: `#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

// Runs task on a detached thread through a packaged_task and waits on its future at most timeout_ms.
template <typename F>
auto $name(F task, long long timeout_ms) -> decltype(task()) {
    std::packaged_task<decltype(task())()> packaged(std::move(task));
    auto future = packaged.get_future();
    std::thread(std::move(packaged)).detach();
    if (future.wait_for(std::chrono::milliseconds(timeout_ms)) == std::future_status::timeout) {
        throw std::runtime_error("task did not finish within " + std::to_string(timeout_ms) + " ms");
    }
    return future.get();
}
`,
      },
      {
        cancel: ', signalling the task to cancel through a cancellation token or event that it receives as its argument',
        python: `import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout


def $name(task, timeout_ms):
    """Pass task a threading.Event and set it when the deadline passes."""
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(task, cancel)
    try:
        return future.result(timeout=timeout_ms / 1000.0)
    except FutureTimeout:
        cancel.set()
        raise TimeoutError(f"task did not finish within {timeout_ms} ms") from None
    finally:
        pool.shutdown(wait=False)
`,
        typescript: `/** Gives the task an AbortSignal and aborts it when the timer fires first. */
async function $name<T>(task: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(\`task did not finish within \${timeoutMs} ms\`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([task(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
`,
        rust: `use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Runs \\\`task\\\` on its own thread with a shared cancel flag, which is set when \\\`timeout_ms\\\` passes first.
pub fn $name<T, F>(task: F, timeout_ms: u64) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce(Arc<AtomicBool>) -> T + Send + 'static,
{
    let cancelled = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = mpsc::channel();
    let token = Arc::clone(&cancelled);
    thread::spawn(move || sender.send(task(token)));
    receiver.recv_timeout(Duration::from_millis(timeout_ms)).map_err(|error| match error {
        RecvTimeoutError::Timeout => {
            cancelled.store(true, Ordering::SeqCst);
            format!("task did not finish within {timeout_ms} ms")
        }
        RecvTimeoutError::Disconnected => "task panicked".to_string(),
    })
}
`,
        cpp: `#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

using CancelToken = std::shared_ptr<std::atomic<bool>>;

// Runs task(token) on a detached thread; when timeout_ms passes first the token is set and a timeout is thrown.
template <typename F>
auto $name(F task, long long timeout_ms) -> decltype(task(CancelToken())) {
    auto token = std::make_shared<std::atomic<bool>>(false);
    std::packaged_task<decltype(task(token))()> packaged([task, token] { return task(token); });
    auto future = packaged.get_future();
    std::thread(std::move(packaged)).detach();
    if (future.wait_for(std::chrono::milliseconds(timeout_ms)) == std::future_status::timeout) {
        *token = true;
        throw std::runtime_error("task did not finish within " + std::to_string(timeout_ms) + " ms");
    }
    return future.get();
}
`,
      },
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
    variants: [
      { what: 'connection' },
      { what: 'worker' },
    ],
    python: `import threading


class $name:
    """A condition guards the idle list and the number created; acquire waits while all are in use."""

    def __init__(self, factory, size):
        if size < 1:
            raise ValueError("size must be at least 1")
        self._factory, self._size = factory, size
        self._idle, self._in_use, self._created = [], {}, 0
        self._cond = threading.Condition()

    def acquire(self):
        with self._cond:
            self._cond.wait_for(lambda: self._idle or self._created < self._size)
            if self._idle:
                resource = self._idle.pop()
            else:
                resource = self._factory()
                self._created += 1
            self._in_use[id(resource)] = resource
            return resource

    def release(self, resource):
        with self._cond:
            if self._in_use.pop(id(resource), None) is None:
                raise ValueError("released a $what that was not acquired from this pool")
            self._idle.append(resource)
            self._cond.notify()
`,
    typescript: `/** Reuses idle \${what}s, creates new ones while fewer than size exist, and queues acquirers otherwise. */
class $name<T> {
  private readonly idle: T[] = [];
  private readonly inUse = new Set<T>();
  private readonly waiting: ((resource: T) => void)[] = [];
  private created = 0;

  constructor(
    private readonly factory: () => T | Promise<T>,
    private readonly size: number,
  ) {
    if (size < 1) throw new RangeError('size must be at least 1');
  }

  async acquire(): Promise<T> {
    let resource: T;
    if (this.idle.length > 0) {
      resource = this.idle.pop() as T;
    } else if (this.created < this.size) {
      this.created++;
      try {
        resource = await this.factory();
      } catch (error) {
        this.created--;
        throw error;
      }
    } else {
      resource = await new Promise<T>((resolve) => this.waiting.push(resolve));
    }
    this.inUse.add(resource);
    return resource;
  }

  release(resource: T): void {
    if (!this.inUse.delete(resource)) throw new Error('released a $what that was not acquired from this pool');
    const next = this.waiting.shift();
    if (next) next(resource);
    else this.idle.push(resource);
  }
}
`,
    rust: `use std::sync::{Arc, Condvar, Mutex};

struct State<T> {
    idle: Vec<Arc<T>>,
    in_use: Vec<Arc<T>>,
    created: usize,
}

/// Reuses idle \${what}s, creates new ones while fewer than \\\`size\\\` exist, and otherwise waits on a Condvar.
pub struct $name<T, F: Fn() -> T> {
    factory: F,
    size: usize,
    state: Mutex<State<T>>,
    freed: Condvar,
}

impl<T, F: Fn() -> T> $name<T, F> {
    pub fn new(factory: F, size: usize) -> Self {
        assert!(size > 0, "size must be at least 1");
        let state = Mutex::new(State { idle: Vec::new(), in_use: Vec::new(), created: 0 });
        Self { factory, size, state, freed: Condvar::new() }
    }

    pub fn acquire(&self) -> Arc<T> {
        let guard = self.state.lock().unwrap();
        let mut state = self.freed.wait_while(guard, |s| s.idle.is_empty() && s.created >= self.size).unwrap();
        let resource = state.idle.pop().unwrap_or_else(|| {
            state.created += 1;
            Arc::new((self.factory)())
        });
        state.in_use.push(Arc::clone(&resource));
        resource
    }

    pub fn release(&self, resource: Arc<T>) -> Result<(), String> {
        let mut state = self.state.lock().unwrap();
        let index = state.in_use.iter().position(|r| Arc::ptr_eq(r, &resource));
        let index = index.ok_or_else(|| "released a $what that was not acquired from this pool".to_string())?;
        state.in_use.swap_remove(index);
        state.idle.push(resource);
        self.freed.notify_one();
        Ok(())
    }
}
`,
    cpp: `#include <algorithm>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

// Reuses idle \${what}s, creates new ones while fewer than size exist, and otherwise waits on a condition variable.
template <typename T>
class $name {
public:
    $name(std::function<std::shared_ptr<T>()> factory, std::size_t size) : factory_(std::move(factory)), size_(size) {
        if (size == 0) throw std::invalid_argument("size must be at least 1");
    }

    std::shared_ptr<T> acquire() {
        std::unique_lock<std::mutex> lock(mutex_);
        freed_.wait(lock, [&] { return !idle_.empty() || created_ < size_; });
        std::shared_ptr<T> resource;
        if (!idle_.empty()) {
            resource = idle_.back();
            idle_.pop_back();
        } else {
            resource = factory_();
            ++created_;
        }
        in_use_.push_back(resource);
        return resource;
    }

    void release(const std::shared_ptr<T>& resource) {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = std::find(in_use_.begin(), in_use_.end(), resource);
        if (found == in_use_.end()) throw std::logic_error("released a $what that was not acquired from this pool");
        in_use_.erase(found);
        idle_.push_back(resource);
        freed_.notify_one();
    }

private:
    std::function<std::shared_ptr<T>()> factory_;
    std::size_t size_, created_ = 0;
    std::vector<std::shared_ptr<T>> idle_, in_use_;
    std::mutex mutex_;
    std::condition_variable freed_;
};
`,
  },
];
