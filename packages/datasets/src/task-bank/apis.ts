/** Task templates: APIs, HTTP and request handling. */
import type { TaskTemplate } from './types';

export const API_TASKS: readonly TaskTemplate[] = [
  {
    id: 'build_url',
    category: 'apis',
    difficulty: 'easy',
    tags: ['urls', 'http'],
    kind: 'function',
    name: 'build url',
    params: ['base url', 'path', 'params'],
    task: 'joins [[base url]] and [[path]] with exactly one "/" between them and appends the query parameters in the {map} [[params]]{order}, percent-encoded.',
    variants: [
      { order: ' in sorted key order', sort: 'sorted(params.items())' },
      { order: ' in their insertion order, skipping parameters whose value is {none}', sort: '[(k, v) for k, v in params.items() if v is not None]' },
    ],
    python: `from urllib.parse import urlencode


def $name(base_url, path, params):
    """Strip the slashes at the join and encode the query."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    items = $sort
    return url + ("?" + urlencode(items) if items else "")
`,
  },
  {
    id: 'paginate',
    category: 'apis',
    difficulty: 'medium',
    tags: ['pagination', 'http'],
    kind: 'function',
    name: 'fetch all pages',
    params: ['fetch page', 'max pages'],
    task: 'collects every item from a paginated API: [[fetch page]] takes a {token} ({none} for the first page) and returns a page with [[items]] and [[{next}]] ({none} after the last page); stop after [[max pages]] pages and fail with an error if more remain.',
    variants: [
      { token: 'cursor', next: 'next_cursor' },
      { token: 'page number starting at 1', next: 'next_page' },
    ],
    python: `def $name(fetch_page, max_pages):
    """Follow the continuation until it is None; refuse to loop forever."""
    items, token = [], None
    for _ in range(max_pages):
        page = fetch_page(token)
        items.extend(page["items"])
        token = page.get("$next")
        if token is None:
            return items
    raise RuntimeError(f"more than {max_pages} pages; raise max_pages to fetch them all")
`,
  },
  {
    id: 'get_json',
    category: 'apis',
    difficulty: 'medium',
    tags: ['http', 'json', 'errors'],
    kind: 'function',
    name: 'get json',
    params: ['url', 'timeout ms'],
    task: 'sends an HTTP GET request to [[url]] with the standard library HTTP client, a timeout of [[timeout ms]] milliseconds and an "Accept: application/json" header, and returns the decoded JSON body; a non-2xx status is an error that includes the status code and {detail}.',
    variants: [
      {
        detail: 'the first 200 characters of the body',
        python: `import json
import urllib.error
import urllib.request


def $name(url, timeout_ms):
    """urllib raises HTTPError for non-2xx; re-raise with status and context."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_ms / 1000.0) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")[:200]
        raise RuntimeError(f"GET {url} failed with status {error.code}: {body}") from error
`,
      },
      { detail: 'the URL, and a status of 429 or 503 is retried once after the number of seconds in the Retry-After header' },
    ],
  },
  {
    id: 'validate_payload',
    category: 'apis',
    difficulty: 'easy',
    tags: ['validation', 'json'],
    kind: 'function',
    name: 'validate {entity}',
    params: ['payload'],
    task: 'checks the {entity} request body [[payload]] (a decoded JSON object) and returns the {list} of error messages, empty when valid: {rules}, and unknown fields are reported too.',
    variants: [
      { entity: 'user', rules: '"name" is a non-empty string, "email" contains exactly one "@" with text on both sides, "age" is an integer from 0 to 150' },
      { entity: 'order', rules: '"item_id" is a positive integer, "quantity" is an integer from 1 to 100, "coupon" is optional and at most 16 letters or digits' },
    ],
  },
  {
    id: 'router',
    category: 'apis',
    difficulty: 'hard',
    tags: ['http', 'routing'],
    kind: 'class',
    name: 'router',
    params: [],
    methods: [
      { name: 'add route', params: ['method', 'pattern', 'handler'] },
      { name: 'match route', params: ['method', 'path'] },
    ],
    task: 'is an HTTP router: patterns like "/users/:id/posts" have {params}; [[match route]] returns the handler and the extracted parameters for the first matching route, or {none}{status}.',
    variants: [
      { params: 'named segments introduced by ":"', status: '' },
      { params: 'named segments introduced by ":" and an optional trailing "*" that captures the rest of the path', status: ', distinguishing "no route" from "route exists for another method" (405)' },
    ],
  },
  {
    id: 'token_bucket',
    category: 'apis',
    difficulty: 'medium',
    tags: ['rate-limiting'],
    kind: 'class',
    name: '{what} limiter',
    params: ['capacity', 'refill per second'],
    methods: [{ name: 'try acquire', params: ['now'] }],
    task: 'implements a {desc} rate limiter: [[try acquire]] takes the current time [[now]] in seconds (so tests control the clock) and returns whether one request may proceed.',
    variants: [
      {
        what: 'token bucket',
        desc: 'token-bucket limiter that holds at most [[capacity]] tokens, starts full and refills [[refill per second]] tokens per second; each request spends one token',
        python: `class $name:
    """Tokens refill continuously up to capacity; a request spends one."""

    def __init__(self, capacity, refill_per_second):
        self.capacity = capacity
        self.rate = refill_per_second
        self.tokens = float(capacity)
        self.last = None

    def try_acquire(self, now):
        if self.last is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
`,
      },
      {
        what: 'leaky bucket',
        desc: 'leaky-bucket limiter: a queue of at most [[capacity]] requests drains at [[refill per second]] requests per second, and a request is refused when the bucket is full',
        python: `class $name:
    """The level drains continuously; a request adds one unless it would overflow."""

    def __init__(self, capacity, refill_per_second):
        self.capacity = capacity
        self.rate = refill_per_second
        self.level = 0.0
        self.last = None

    def try_acquire(self, now):
        if self.last is not None:
            self.level = max(0.0, self.level - (now - self.last) * self.rate)
        self.last = now
        if self.level + 1 <= self.capacity:
            self.level += 1
            return True
        return False
`,
      },
    ],
  },
  {
    id: 'event_emitter',
    category: 'apis',
    difficulty: 'easy',
    tags: ['events', 'callbacks'],
    kind: 'class',
    name: 'event emitter',
    params: [],
    methods: [
      { name: 'on', params: ['event', 'handler'] },
      { name: 'off', params: ['event', 'handler'] },
      { name: 'emit', params: ['event', 'payload'] },
    ],
    task: 'lets handlers subscribe to named events; [[emit]] calls the handlers of an event in subscription order with the payload and returns how many ran{once}, and [[off]] removes a handler.',
    variants: [
      { once: '' },
      { once: '; a handler that fails does not stop the others, and the failures are returned together after all handlers ran' },
    ],
  },
];
