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
      {
        order: ' in sorted key order',
        sort: 'sorted(params.items())',
        ts_value: 'string | number | boolean',
        ts_entries: '[...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))',
        rust: `use std::collections::HashMap;

/// Percent-encodes every byte except the RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Trims the slashes at the join and appends the encoded parameters in sorted key order.
pub fn $name(base_url: &str, path: &str, params: &HashMap<String, String>) -> String {
    let url = format!("{}/{}", base_url.trim_end_matches('/'), path.trim_start_matches('/'));
    let mut pairs: Vec<(&String, &String)> = params.iter().collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    if query.is_empty() { url } else { format!("{url}?{}", query.join("&")) }
}
`,
        cpp: `#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>

// Percent-encodes every byte except the RFC 3986 unreserved characters.
std::string encode(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

// Trims the slashes at the join and appends the encoded parameters in sorted key order (through a std::map).
std::string $name(const std::string& base_url, const std::string& path, const std::unordered_map<std::string, std::string>& params) {
    const auto end = base_url.find_last_not_of('/');
    const auto start = path.find_first_not_of('/');
    std::string url = base_url.substr(0, end == std::string::npos ? 0 : end + 1) + "/" + (start == std::string::npos ? "" : path.substr(start));
    const std::map<std::string, std::string> sorted(params.begin(), params.end());
    char separator = '?';
    for (const auto& [key, value] : sorted) {
        url += separator + encode(key) + "=" + encode(value);
        separator = '&';
    }
    return url;
}
`,
      },
      {
        order: ' in their insertion order, skipping parameters whose value is {none}',
        sort: '[(k, v) for k, v in params.items() if v is not None]',
        ts_value: 'string | number | boolean | null | undefined',
        ts_entries: '[...params].filter(([, value]) => value !== null && value !== undefined)',
        rust: `/// Percent-encodes every byte except the RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A HashMap has no insertion order, so the parameters come as an ordered slice of pairs; None values are skipped.
pub fn $name(base_url: &str, path: &str, params: &[(&str, Option<&str>)]) -> String {
    let url = format!("{}/{}", base_url.trim_end_matches('/'), path.trim_start_matches('/'));
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", encode(k), encode(v))))
        .collect();
    if query.is_empty() { url } else { format!("{url}?{}", query.join("&")) }
}
`,
        cpp: `#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Percent-encodes every byte except the RFC 3986 unreserved characters.
std::string encode(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

// An unordered_map has no insertion order, so the parameters come as a vector of pairs; nullopt values are skipped.
std::string $name(const std::string& base_url, const std::string& path,
                  const std::vector<std::pair<std::string, std::optional<std::string>>>& params) {
    const auto end = base_url.find_last_not_of('/');
    const auto start = path.find_first_not_of('/');
    std::string url = base_url.substr(0, end == std::string::npos ? 0 : end + 1) + "/" + (start == std::string::npos ? "" : path.substr(start));
    char separator = '?';
    for (const auto& [key, value] : params) {
        if (!value) continue;
        url += separator + encode(key) + "=" + encode(*value);
        separator = '&';
    }
    return url;
}
`,
      },
    ],
    python: `from urllib.parse import urlencode


def $name(base_url, path, params):
    """Strip the slashes at the join and encode the query."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    items = $sort
    return url + ("?" + urlencode(items) if items else "")
`,
    typescript: `/** Trims the slashes at the join and appends the parameters encoded with encodeURIComponent. */
function $name(baseUrl: string, path: string, params: Map<string, $ts_value>): string {
  const url = baseUrl.replace(/\\/+$/, '') + '/' + path.replace(/^\\/+/, '');
  const entries = $ts_entries;
  const query = entries.map(([key, value]) => \`\${encodeURIComponent(key)}=\${encodeURIComponent(String(value))}\`).join('&');
  return query ? \`\${url}?\${query}\` : url;
}
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
      {
        token: 'cursor',
        next: 'next_cursor',
        ts_token: 'string',
        ts_next: 'nextCursor',
        rust_token: 'String',
        cpp_token: 'std::string',
      },
      {
        token: 'page number starting at 1',
        next: 'next_page',
        ts_token: 'number',
        ts_next: 'nextPage',
        rust_token: 'u32',
        cpp_token: 'int',
      },
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
    typescript: `/** One page: its items and the token of the next page, null after the last. */
interface Page<T> {
  items: T[];
  $ts_next: $ts_token | null;
}

/** Follows the continuation until it is null; more than maxPages pages is an error. */
async function $name<T>(fetchPage: (token: $ts_token | null) => Promise<Page<T>>, maxPages: number): Promise<T[]> {
  const items: T[] = [];
  let token: $ts_token | null = null;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(token);
    items.push(...result.items);
    token = result.$ts_next;
    if (token === null) return items;
  }
  throw new Error(\`more than \${maxPages} pages; raise maxPages to fetch them all\`);
}
`,
    rust: `/// One page: its items and the token of the next page, None after the last.
pub struct Page<T> {
    pub items: Vec<T>,
    pub $next: Option<$rust_token>,
}

/// Follows the continuation until it is None; more than \\\`max_pages\\\` pages is an error.
pub fn $name<T>(mut fetch_page: impl FnMut(Option<$rust_token>) -> Result<Page<T>, String>, max_pages: usize) -> Result<Vec<T>, String> {
    let (mut items, mut token) = (Vec::new(), None);
    for _ in 0..max_pages {
        let page = fetch_page(token)?;
        items.extend(page.items);
        token = page.$next;
        if token.is_none() {
            return Ok(items);
        }
    }
    Err(format!("more than {max_pages} pages; raise max_pages to fetch them all"))
}
`,
    cpp: `#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// One page: its items and the token of the next page, nullopt after the last.
template <typename T>
struct Page {
    std::vector<T> items;
    std::optional<$cpp_token> $next;
};

// Follows the continuation until it is nullopt; more than max_pages pages is an error.
template <typename F>
auto $name(F fetch_page, std::size_t max_pages) -> decltype(fetch_page(std::nullopt).items) {
    decltype(fetch_page(std::nullopt).items) items;
    std::optional<$cpp_token> token;
    for (std::size_t page = 0; page < max_pages; ++page) {
        auto result = fetch_page(token);
        items.insert(items.end(), result.items.begin(), result.items.end());
        token = result.$next;
        if (!token) return items;
    }
    throw std::runtime_error("more than " + std::to_string(max_pages) + " pages; raise max_pages to fetch them all");
}
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
        typescript: `/** fetch with an AbortSignal timeout; a non-2xx status throws with the status and the start of the body. */
async function $name(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) {
    const body = (await response.text()).slice(0, 200);
    throw new Error(\`GET \${url} failed with status \${response.status}: \${body}\`);
  }
  return response.json();
}
`,
        rust: `use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// One HTTP/1.0 GET over a TcpStream (std has no HTTP client, so plain http:// only): status, head and body.
fn http_get(url: &str, timeout_ms: u64) -> Result<(u16, String, String), String> {
    let fail = |e: std::io::Error| format!("GET {url}: {e}");
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
    let (host, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    let address = if host.contains(':') { host.to_string() } else { format!("{host}:80") };
    let socket = address.to_socket_addrs().map_err(fail)?.next().ok_or_else(|| format!("{url}: no address"))?;
    let timeout = Duration::from_millis(timeout_ms);
    let mut stream = TcpStream::connect_timeout(&socket, timeout).map_err(fail)?;
    stream.set_read_timeout(Some(timeout)).map_err(fail)?;
    write!(stream, "GET {path} HTTP/1.0\\r\\nHost: {host}\\r\\nAccept: application/json\\r\\nConnection: close\\r\\n\\r\\n").map_err(fail)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(fail)?;
    let (head, body) = response.split_once("\\r\\n\\r\\n").ok_or_else(|| format!("{url}: malformed response"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| format!("{url}: malformed status line"))?;
    Ok((status, head.to_string(), body.to_string()))
}

/// std has no JSON type either, so the checked body is returned as JSON text; non-2xx statuses are errors.
pub fn $name(url: &str, timeout_ms: u64) -> Result<String, String> {
    let (status, _head, body) = http_get(url, timeout_ms)?;
    if !(200..300).contains(&status) {
        let start: String = body.chars().take(200).collect();
        return Err(format!("GET {url} failed with status {status}: {start}"));
    }
    Ok(body)
}
`,
        cpp: `#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <tuple>

// One HTTP/1.0 GET over a POSIX socket (C++17 has no networking, so plain http:// only): status, head and body.
std::tuple<int, std::string, std::string> http_get(const std::string& url, long long timeout_ms) {
    if (url.rfind("http://", 0) != 0) throw std::runtime_error(url + ": only http:// URLs are supported");
    const auto slash = url.find('/', 7);
    const std::string authority = url.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
    const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    const auto colon = authority.find(':');
    const std::string host = authority.substr(0, colon), port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    addrinfo hints{}, *found = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) throw std::runtime_error("GET " + url + ": cannot resolve host");
    const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    timeval timeout{static_cast<time_t>(timeout_ms / 1000), static_cast<suseconds_t>(timeout_ms % 1000 * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const bool connected = fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    const std::string request = "GET " + path + " HTTP/1.0\\r\\nHost: " + authority + "\\r\\nAccept: application/json\\r\\nConnection: close\\r\\n\\r\\n";
    std::string response;
    char buffer[4096];
    ssize_t n = connected && send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()) ? 1 : -1;
    while (n > 0 && (n = recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, n);
    if (fd >= 0) close(fd);
    const auto split = response.find("\\r\\n\\r\\n");
    if (n < 0 || split == std::string::npos) throw std::runtime_error("GET " + url + ": no complete response within the timeout");
    const auto space = response.find(' ');
    return {std::stoi(response.substr(space + 1, 3)), response.substr(0, split), response.substr(split + 4)};
}

// The standard library has no JSON type either, so the checked body is returned as JSON text.
std::string $name(const std::string& url, long long timeout_ms) {
    const auto [status, head, body] = http_get(url, timeout_ms);
    if (status < 200 || status >= 300) {
        throw std::runtime_error("GET " + url + " failed with status " + std::to_string(status) + ": " + body.substr(0, 200));
    }
    return body;
}
`,
      },
      {
        detail: 'the URL, and a status of 429 or 503 is retried once after the number of seconds in the Retry-After header',
        python: `import json
import time
import urllib.error
import urllib.request


def $name(url, timeout_ms):
    """Retry a 429 or 503 once after Retry-After seconds; other non-2xx statuses raise with the status and URL."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    for attempt in range(2):
        try:
            with urllib.request.urlopen(request, timeout=timeout_ms / 1000.0) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if attempt == 0 and error.code in (429, 503):
                delay = error.headers.get("Retry-After", "1")
                time.sleep(float(delay) if delay.isdigit() else 1.0)
                continue
            raise RuntimeError(f"GET {url} failed with status {error.code}") from error
`,
        typescript: `/** fetch with an AbortSignal timeout; a 429 or 503 is retried once after Retry-After seconds. */
async function $name(url: string, timeoutMs: number): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return response.json();
    if (attempt === 0 && (response.status === 429 || response.status === 503)) {
      const seconds = Number(response.headers.get('Retry-After') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
      continue;
    }
    throw new Error(\`GET \${url} failed with status \${response.status}\`);
  }
}
`,
        rust: `use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// One HTTP/1.0 GET over a TcpStream (std has no HTTP client, so plain http:// only): status, head and body.
fn http_get(url: &str, timeout_ms: u64) -> Result<(u16, String, String), String> {
    let fail = |e: std::io::Error| format!("GET {url}: {e}");
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
    let (host, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    let address = if host.contains(':') { host.to_string() } else { format!("{host}:80") };
    let socket = address.to_socket_addrs().map_err(fail)?.next().ok_or_else(|| format!("{url}: no address"))?;
    let timeout = Duration::from_millis(timeout_ms);
    let mut stream = TcpStream::connect_timeout(&socket, timeout).map_err(fail)?;
    stream.set_read_timeout(Some(timeout)).map_err(fail)?;
    write!(stream, "GET {path} HTTP/1.0\\r\\nHost: {host}\\r\\nAccept: application/json\\r\\nConnection: close\\r\\n\\r\\n").map_err(fail)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(fail)?;
    let (head, body) = response.split_once("\\r\\n\\r\\n").ok_or_else(|| format!("{url}: malformed response"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| format!("{url}: malformed status line"))?;
    Ok((status, head.to_string(), body.to_string()))
}

/// Returns the JSON body text (std has no JSON type); a 429 or 503 is retried once after Retry-After seconds.
pub fn $name(url: &str, timeout_ms: u64) -> Result<String, String> {
    for attempt in 0..2 {
        let (status, head, body) = http_get(url, timeout_ms)?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        if attempt == 0 && (status == 429 || status == 503) {
            let retry_after = head.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("retry-after").then(|| value.trim().parse::<u64>().ok()).flatten()
            });
            std::thread::sleep(Duration::from_secs(retry_after.unwrap_or(1)));
            continue;
        }
        return Err(format!("GET {url} failed with status {status}"));
    }
    unreachable!("the second attempt always returns")
}
`,
        cpp: `#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>

// One HTTP/1.0 GET over a POSIX socket (C++17 has no networking, so plain http:// only): status, head and body.
std::tuple<int, std::string, std::string> http_get(const std::string& url, long long timeout_ms) {
    if (url.rfind("http://", 0) != 0) throw std::runtime_error(url + ": only http:// URLs are supported");
    const auto slash = url.find('/', 7);
    const std::string authority = url.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
    const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    const auto colon = authority.find(':');
    const std::string host = authority.substr(0, colon), port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    addrinfo hints{}, *found = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) throw std::runtime_error("GET " + url + ": cannot resolve host");
    const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    timeval timeout{static_cast<time_t>(timeout_ms / 1000), static_cast<suseconds_t>(timeout_ms % 1000 * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const bool connected = fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    const std::string request = "GET " + path + " HTTP/1.0\\r\\nHost: " + authority + "\\r\\nAccept: application/json\\r\\nConnection: close\\r\\n\\r\\n";
    std::string response;
    char buffer[4096];
    ssize_t n = connected && send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()) ? 1 : -1;
    while (n > 0 && (n = recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, n);
    if (fd >= 0) close(fd);
    const auto split = response.find("\\r\\n\\r\\n");
    if (n < 0 || split == std::string::npos) throw std::runtime_error("GET " + url + ": no complete response within the timeout");
    const auto space = response.find(' ');
    return {std::stoi(response.substr(space + 1, 3)), response.substr(0, split), response.substr(split + 4)};
}

// Returns the JSON body text (no JSON type in the standard library); a 429 or 503 is retried once after Retry-After seconds.
std::string $name(const std::string& url, long long timeout_ms) {
    for (int attempt = 0;; ++attempt) {
        const auto [status, head, body] = http_get(url, timeout_ms);
        if (status >= 200 && status < 300) return body;
        if (attempt == 0 && (status == 429 || status == 503)) {
            std::string lower = head;
            for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const auto at = lower.find("\\nretry-after:");
            const long seconds = at == std::string::npos ? 1 : std::strtol(head.c_str() + at + 13, nullptr, 10);
            std::this_thread::sleep_for(std::chrono::seconds(seconds));
            continue;
        }
        throw std::runtime_error("GET " + url + " failed with status " + std::to_string(status));
    }
}
`,
      },
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
      {
        entity: 'user',
        rules: '"name" is a non-empty string, "email" contains exactly one "@" with text on both sides, "age" is an integer from 0 to 150',
        python: `def $name(payload):
    """Check each known field in turn, then report the unknown ones."""
    errors = []
    name = payload.get("name")
    if not isinstance(name, str) or not name:
        errors.append('"name" must be a non-empty string')
    email = payload.get("email")
    if not isinstance(email, str) or email.count("@") != 1 or not all(email.split("@")):
        errors.append('"email" must contain exactly one "@" with text on both sides')
    age = payload.get("age")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150:
        errors.append('"age" must be an integer from 0 to 150')
    for key in sorted(set(payload) - {"name", "email", "age"}):
        errors.append(f'unknown field "{key}"')
    return errors
`,
        typescript: `/** Checks each known field in turn, then reports the unknown ones. */
function $name(payload: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const { name, email, age } = payload;
  if (typeof name !== 'string' || name === '') errors.push('"name" must be a non-empty string');
  const parts = typeof email === 'string' ? email.split('@') : [];
  if (parts.length !== 2 || parts.some((part) => part === '')) {
    errors.push('"email" must contain exactly one "@" with text on both sides');
  }
  if (!Number.isInteger(age) || (age as number) < 0 || (age as number) > 150) errors.push('"age" must be an integer from 0 to 150');
  for (const key of Object.keys(payload).sort()) {
    if (!['name', 'email', 'age'].includes(key)) errors.push(\`unknown field "\${key}"\`);
  }
  return errors;
}
`,
        rust: `use std::collections::HashMap;

/// A decoded JSON value (std has no JSON type).
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(HashMap<String, Json>),
}

/// Checks each known field in turn, then reports the unknown ones (sorted).
pub fn $name(payload: &HashMap<String, Json>) -> Vec<String> {
    let mut errors = Vec::new();
    if !matches!(payload.get("name"), Some(Json::Str(name)) if !name.is_empty()) {
        errors.push("\\"name\\" must be a non-empty string".to_string());
    }
    let email_ok = match payload.get("email") {
        Some(Json::Str(email)) => matches!(email.split_once('@'), Some((user, host)) if !user.is_empty() && !host.is_empty() && !host.contains('@')),
        _ => false,
    };
    if !email_ok {
        errors.push("\\"email\\" must contain exactly one \\"@\\" with text on both sides".to_string());
    }
    if !matches!(payload.get("age"), Some(Json::Number(age)) if age.fract() == 0.0 && (0.0..=150.0).contains(age)) {
        errors.push("\\"age\\" must be an integer from 0 to 150".to_string());
    }
    let mut unknown: Vec<&String> = payload.keys().filter(|k| !["name", "email", "age"].contains(&k.as_str())).collect();
    unknown.sort();
    errors.extend(unknown.into_iter().map(|key| format!("unknown field \\"{key}\\"")));
    errors
}
`,
        cpp: `#include <cmath>
#include <map>
#include <string>
#include <variant>
#include <vector>

// A decoded scalar JSON value (the standard library has no JSON type; nested values are not needed here).
using Json = std::variant<std::nullptr_t, bool, double, std::string>;

// Checks each known field in turn, then reports the unknown ones (in key order, thanks to std::map).
std::vector<std::string> $name(const std::map<std::string, Json>& payload) {
    std::vector<std::string> errors;
    auto text = [&](const char* key) -> const std::string* {
        const auto found = payload.find(key);
        return found == payload.end() ? nullptr : std::get_if<std::string>(&found->second);
    };
    const std::string* name = text("name");
    if (!name || name->empty()) errors.push_back("\\"name\\" must be a non-empty string");
    const std::string* email = text("email");
    const auto at = email ? email->find('@') : std::string::npos;
    if (at == std::string::npos || at == 0 || at + 1 == email->size() || email->find('@', at + 1) != std::string::npos) {
        errors.push_back("\\"email\\" must contain exactly one \\"@\\" with text on both sides");
    }
    const auto age = payload.find("age");
    const double* number = age == payload.end() ? nullptr : std::get_if<double>(&age->second);
    if (!number || std::floor(*number) != *number || *number < 0 || *number > 150) errors.push_back("\\"age\\" must be an integer from 0 to 150");
    for (const auto& [key, value] : payload) {
        if (key != "name" && key != "email" && key != "age") errors.push_back("unknown field \\"" + key + "\\"");
    }
    return errors;
}
`,
      },
      {
        entity: 'order',
        rules: '"item_id" is a positive integer, "quantity" is an integer from 1 to 100, "coupon" is optional and at most 16 letters or digits',
        python: `import re


def $name(payload):
    """Check each known field in turn, then report the unknown ones."""
    errors = []

    def is_int(value):
        return isinstance(value, int) and not isinstance(value, bool)

    if not is_int(payload.get("item_id")) or payload["item_id"] < 1:
        errors.append('"item_id" must be a positive integer')
    if not is_int(payload.get("quantity")) or not 1 <= payload["quantity"] <= 100:
        errors.append('"quantity" must be an integer from 1 to 100')
    coupon = payload.get("coupon")
    if "coupon" in payload and not (isinstance(coupon, str) and re.fullmatch(r"[A-Za-z0-9]{0,16}", coupon)):
        errors.append('"coupon" must be at most 16 letters or digits')
    for key in sorted(set(payload) - {"item_id", "quantity", "coupon"}):
        errors.append(f'unknown field "{key}"')
    return errors
`,
        typescript: `/** Checks each known field in turn, then reports the unknown ones. */
function $name(payload: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const { item_id: itemId, quantity, coupon } = payload;
  if (!Number.isInteger(itemId) || (itemId as number) < 1) errors.push('"item_id" must be a positive integer');
  if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100) {
    errors.push('"quantity" must be an integer from 1 to 100');
  }
  if ('coupon' in payload && !(typeof coupon === 'string' && /^[A-Za-z0-9]{0,16}$/.test(coupon))) {
    errors.push('"coupon" must be at most 16 letters or digits');
  }
  for (const key of Object.keys(payload).sort()) {
    if (!['item_id', 'quantity', 'coupon'].includes(key)) errors.push(\`unknown field "\${key}"\`);
  }
  return errors;
}
`,
        rust: `use std::collections::HashMap;

/// A decoded JSON value (std has no JSON type).
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(HashMap<String, Json>),
}

/// Checks each known field in turn, then reports the unknown ones (sorted).
pub fn $name(payload: &HashMap<String, Json>) -> Vec<String> {
    let integer_in = |key: &str, low: f64, high: f64| {
        matches!(payload.get(key), Some(Json::Number(n)) if n.fract() == 0.0 && *n >= low && *n <= high)
    };
    let mut errors = Vec::new();
    if !integer_in("item_id", 1.0, f64::MAX) {
        errors.push("\\"item_id\\" must be a positive integer".to_string());
    }
    if !integer_in("quantity", 1.0, 100.0) {
        errors.push("\\"quantity\\" must be an integer from 1 to 100".to_string());
    }
    match payload.get("coupon") {
        None => {}
        Some(Json::Str(code)) if code.len() <= 16 && code.bytes().all(|b| b.is_ascii_alphanumeric()) => {}
        Some(_) => errors.push("\\"coupon\\" must be at most 16 letters or digits".to_string()),
    }
    let mut unknown: Vec<&String> = payload.keys().filter(|k| !["item_id", "quantity", "coupon"].contains(&k.as_str())).collect();
    unknown.sort();
    errors.extend(unknown.into_iter().map(|key| format!("unknown field \\"{key}\\"")));
    errors
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <variant>
#include <vector>

// A decoded scalar JSON value (the standard library has no JSON type; nested values are not needed here).
using Json = std::variant<std::nullptr_t, bool, double, std::string>;

// Checks each known field in turn, then reports the unknown ones (in key order, thanks to std::map).
std::vector<std::string> $name(const std::map<std::string, Json>& payload) {
    std::vector<std::string> errors;
    auto integer_in = [&](const char* key, double low, double high) {
        const auto found = payload.find(key);
        const double* n = found == payload.end() ? nullptr : std::get_if<double>(&found->second);
        return n && std::floor(*n) == *n && *n >= low && *n <= high;
    };
    if (!integer_in("item_id", 1, 9007199254740991.0)) errors.push_back("\\"item_id\\" must be a positive integer");
    if (!integer_in("quantity", 1, 100)) errors.push_back("\\"quantity\\" must be an integer from 1 to 100");
    const auto coupon = payload.find("coupon");
    if (coupon != payload.end()) {
        const std::string* code = std::get_if<std::string>(&coupon->second);
        if (!code || code->size() > 16 || !std::all_of(code->begin(), code->end(), [](unsigned char c) { return std::isalnum(c); })) {
            errors.push_back("\\"coupon\\" must be at most 16 letters or digits");
        }
    }
    for (const auto& [key, value] : payload) {
        if (key != "item_id" && key != "quantity" && key != "coupon") errors.push_back("unknown field \\"" + key + "\\"");
    }
    return errors;
}
`,
      },
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
      {
        params: 'named segments introduced by ":"',
        status: '',
        python: `class $name:
    """Routes are tried in order; a ":name" segment captures one path segment."""

    def __init__(self):
        self.routes = []

    def add_route(self, method, pattern, handler):
        self.routes.append((method.upper(), pattern.strip("/").split("/"), handler))

    def match_route(self, method, path):
        parts = path.strip("/").split("/")
        for route_method, segments, handler in self.routes:
            if route_method != method.upper() or len(segments) != len(parts):
                continue
            params = {}
            for segment, part in zip(segments, parts):
                if segment.startswith(":"):
                    params[segment[1:]] = part
                elif segment != part:
                    break
            else:
                return handler, params
        return None
`,
        typescript: `/** Routes are tried in order; a ":name" segment captures one path segment. */
class $name<H> {
  private readonly routes: { method: string; segments: string[]; handler: H }[] = [];

  addRoute(method: string, pattern: string, handler: H): void {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
  }

  matchRoute(method: string, path: string): { handler: H; params: Record<string, string> } | null {
    const parts = split(path);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matched = route.segments.every((segment, i) =>
        segment.startsWith(':') ? ((params[segment.slice(1)] = parts[i]), true) : segment === parts[i],
      );
      if (matched) return { handler: route.handler, params };
    }
    return null;
  }
}

function split(path: string): string[] {
  return path.replace(/^\\/+|\\/+$/g, '').split('/');
}
`,
        rust: `use std::collections::HashMap;

/// Routes are tried in order; a ":name" segment captures one path segment.
pub struct $name<H> {
    routes: Vec<(String, Vec<String>, H)>,
}

impl<H> $name<H> {
    pub fn new() -> Self {
        Self { routes: Vec::new() }
    }

    pub fn add_route(&mut self, method: &str, pattern: &str, handler: H) {
        let segments = pattern.trim_matches('/').split('/').map(String::from).collect();
        self.routes.push((method.to_uppercase(), segments, handler));
    }

    pub fn match_route(&self, method: &str, path: &str) -> Option<(&H, HashMap<String, String>)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        'routes: for (route_method, segments, handler) in &self.routes {
            if !route_method.eq_ignore_ascii_case(method) || segments.len() != parts.len() {
                continue;
            }
            let mut params = HashMap::new();
            for (segment, part) in segments.iter().zip(&parts) {
                match segment.strip_prefix(':') {
                    Some(name) => {
                        params.insert(name.to_string(), part.to_string());
                    }
                    None if segment != part => continue 'routes,
                    None => {}
                }
            }
            return Some((handler, params));
        }
        None
    }
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

// Routes are tried in order; a ":name" segment captures one path segment.
template <typename Handler>
class $name {
public:
    using Params = std::map<std::string, std::string>;

    void add_route(const std::string& method, const std::string& pattern, Handler handler) {
        routes_.push_back({upper(method), split(pattern), std::move(handler)});
    }

    std::optional<std::pair<Handler, Params>> match_route(const std::string& method, const std::string& path) const {
        const std::vector<std::string> parts = split(path);
        for (const Route& route : routes_) {
            if (route.method != upper(method) || route.segments.size() != parts.size()) continue;
            Params params;
            bool matched = true;
            for (std::size_t i = 0; matched && i < parts.size(); ++i) {
                if (route.segments[i].rfind(':', 0) == 0) params[route.segments[i].substr(1)] = parts[i];
                else matched = route.segments[i] == parts[i];
            }
            if (matched) return std::make_pair(route.handler, params);
        }
        return std::nullopt;
    }

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };

    static std::string upper(std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
        return text;
    }

    static std::vector<std::string> split(const std::string& path) {
        const auto start = path.find_first_not_of('/');
        const auto end = path.find_last_not_of('/');
        std::stringstream rest(start == std::string::npos ? "" : path.substr(start, end - start + 1));
        std::vector<std::string> segments;
        for (std::string segment; std::getline(rest, segment, '/');) segments.push_back(segment);
        if (segments.empty()) segments.emplace_back();
        return segments;
    }

    std::vector<Route> routes_;
};
`,
      },
      {
        params: 'named segments introduced by ":" and an optional trailing "*" that captures the rest of the path',
        status: ', distinguishing "no route" from "route exists for another method" (405)',
        python: `class MethodNotAllowed(Exception):
    """The path matches routes, but only for other methods (HTTP 405)."""

    def __init__(self, allowed):
        super().__init__(f"405 method not allowed; allowed: {', '.join(allowed)}")
        self.status = 405
        self.allowed = allowed


def _match(segments, parts):
    params = {}
    for i, segment in enumerate(segments):
        if segment == "*" and i == len(segments) - 1:
            params["*"] = "/".join(parts[i:])
            return params
        if i >= len(parts):
            return None
        if segment.startswith(":"):
            params[segment[1:]] = parts[i]
        elif segment != parts[i]:
            return None
    return params if len(parts) == len(segments) else None


class $name:
    """Routes are tried in order; None means no route, MethodNotAllowed (405) a route for other methods only."""

    def __init__(self):
        self.routes = []

    def add_route(self, method, pattern, handler):
        self.routes.append((method.upper(), pattern.strip("/").split("/"), handler))

    def match_route(self, method, path):
        parts = path.strip("/").split("/")
        allowed = []
        for route_method, segments, handler in self.routes:
            params = _match(segments, parts)
            if params is None:
                continue
            if route_method == method.upper():
                return handler, params
            allowed.append(route_method)
        if allowed:
            raise MethodNotAllowed(allowed)
        return None
`,
        typescript: `/** Thrown when the path matches routes, but only for other methods (HTTP 405). */
class MethodNotAllowedError extends Error {
  readonly status = 405;

  constructor(readonly allowed: string[]) {
    super(\`405 method not allowed; allowed: \${allowed.join(', ')}\`);
  }
}

/** Routes are tried in order; null means no route, MethodNotAllowedError a route for other methods only. */
class $name<H> {
  private readonly routes: { method: string; segments: string[]; handler: H }[] = [];

  addRoute(method: string, pattern: string, handler: H): void {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
  }

  matchRoute(method: string, path: string): { handler: H; params: Record<string, string> } | null {
    const parts = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === null) continue;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw new MethodNotAllowedError(allowed);
    return null;
  }
}

function split(path: string): string[] {
  return path.replace(/^\\/+|\\/+$/g, '').split('/');
}

/** ":name" captures one segment, a final "*" captures the rest of the path. */
function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === '*' && i === segments.length - 1) {
      params['*'] = parts.slice(i).join('/');
      return params;
    }
    if (i >= parts.length) return null;
    if (segments[i].startsWith(':')) params[segments[i].slice(1)] = parts[i];
    else if (segments[i] !== parts[i]) return null;
  }
  return parts.length === segments.length ? params : null;
}
`,
        rust: `use std::collections::HashMap;

/// ":name" captures one segment, a final "*" captures the rest of the path.
fn match_segments(segments: &[String], parts: &[&str]) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    for (i, segment) in segments.iter().enumerate() {
        if segment == "*" && i + 1 == segments.len() {
            params.insert("*".to_string(), parts.get(i..).unwrap_or_default().join("/"));
            return Some(params);
        }
        let part = parts.get(i)?;
        match segment.strip_prefix(':') {
            Some(name) => {
                params.insert(name.to_string(), part.to_string());
            }
            None if segment != part => return None,
            None => {}
        }
    }
    (parts.len() == segments.len()).then_some(params)
}

/// Routes are tried in order; Ok(None) means no route, Err a 405 naming the methods the path allows.
pub struct $name<H> {
    routes: Vec<(String, Vec<String>, H)>,
}

impl<H> $name<H> {
    pub fn new() -> Self {
        Self { routes: Vec::new() }
    }

    pub fn add_route(&mut self, method: &str, pattern: &str, handler: H) {
        let segments = pattern.trim_matches('/').split('/').map(String::from).collect();
        self.routes.push((method.to_uppercase(), segments, handler));
    }

    pub fn match_route(&self, method: &str, path: &str) -> Result<Option<(&H, HashMap<String, String>)>, String> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed = Vec::new();
        for (route_method, segments, handler) in &self.routes {
            if let Some(params) = match_segments(segments, &parts) {
                if route_method.eq_ignore_ascii_case(method) {
                    return Ok(Some((handler, params)));
                }
                allowed.push(route_method.as_str());
            }
        }
        if allowed.is_empty() { Ok(None) } else { Err(format!("405 method not allowed; allowed: {}", allowed.join(", "))) }
    }
}
`,
        cpp: `#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Thrown when the path matches routes, but only for other methods (HTTP 405).
struct MethodNotAllowed : std::runtime_error {
    explicit MethodNotAllowed(const std::string& allowed) : std::runtime_error("405 method not allowed; allowed: " + allowed) {}
};

// Routes are tried in order; nullopt means no route, MethodNotAllowed a route for other methods only.
template <typename Handler>
class $name {
public:
    using Params = std::map<std::string, std::string>;

    void add_route(const std::string& method, const std::string& pattern, Handler handler) {
        routes_.push_back({upper(method), split(pattern), std::move(handler)});
    }

    std::optional<std::pair<Handler, Params>> match_route(const std::string& method, const std::string& path) const {
        const std::vector<std::string> parts = split(path);
        std::string allowed;
        for (const Route& route : routes_) {
            const std::optional<Params> params = match(route.segments, parts);
            if (!params) continue;
            if (route.method == upper(method)) return std::make_pair(route.handler, *params);
            allowed += (allowed.empty() ? "" : ", ") + route.method;
        }
        if (!allowed.empty()) throw MethodNotAllowed(allowed);
        return std::nullopt;
    }

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };

    // ":name" captures one segment, a final "*" captures the rest of the path.
    static std::optional<Params> match(const std::vector<std::string>& segments, const std::vector<std::string>& parts) {
        Params params;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (segments[i] == "*" && i + 1 == segments.size()) {
                std::string rest;
                for (std::size_t j = i; j < parts.size(); ++j) rest += (j > i ? "/" : "") + parts[j];
                params["*"] = rest;
                return params;
            }
            if (i >= parts.size()) return std::nullopt;
            if (segments[i].rfind(':', 0) == 0) params[segments[i].substr(1)] = parts[i];
            else if (segments[i] != parts[i]) return std::nullopt;
        }
        return parts.size() == segments.size() ? std::optional<Params>(params) : std::nullopt;
    }

    static std::string upper(std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
        return text;
    }

    static std::vector<std::string> split(const std::string& path) {
        const auto start = path.find_first_not_of('/');
        const auto end = path.find_last_not_of('/');
        std::stringstream rest(start == std::string::npos ? "" : path.substr(start, end - start + 1));
        std::vector<std::string> segments;
        for (std::string segment; std::getline(rest, segment, '/');) segments.push_back(segment);
        if (segments.empty()) segments.emplace_back();
        return segments;
    }

    std::vector<Route> routes_;
};
`,
      },
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
    methods: [
      { name: 'try acquire', params: ['now'] },
    ],
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
        typescript: `/** Tokens refill continuously up to capacity; a request spends one. */
class $name {
  private tokens: number;
  private last: number | null = null;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  tryAcquire(now: number): boolean {
    if (this.last !== null) this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
`,
        rust: `/// Tokens refill continuously up to capacity; a request spends one.
pub struct $name {
    capacity: f64,
    refill_per_second: f64,
    tokens: f64,
    last: Option<f64>,
}

impl $name {
    pub fn new(capacity: f64, refill_per_second: f64) -> Self {
        Self { capacity, refill_per_second, tokens: capacity, last: None }
    }

    pub fn try_acquire(&mut self, now: f64) -> bool {
        if let Some(last) = self.last {
            self.tokens = self.capacity.min(self.tokens + (now - last) * self.refill_per_second);
        }
        self.last = Some(now);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}
`,
        cpp: `#include <algorithm>
#include <optional>

// Tokens refill continuously up to capacity; a request spends one.
class $name {
public:
    $name(double capacity, double refill_per_second)
        : capacity_(capacity), refill_per_second_(refill_per_second), tokens_(capacity) {}

    bool try_acquire(double now) {
        if (last_) tokens_ = std::min(capacity_, tokens_ + (now - *last_) * refill_per_second_);
        last_ = now;
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

private:
    double capacity_, refill_per_second_, tokens_;
    std::optional<double> last_;
};
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
        typescript: `/** The level drains continuously; a request adds one unless it would overflow. */
class $name {
  private level = 0;
  private last: number | null = null;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {}

  tryAcquire(now: number): boolean {
    if (this.last !== null) this.level = Math.max(0, this.level - (now - this.last) * this.refillPerSecond);
    this.last = now;
    if (this.level + 1 > this.capacity) return false;
    this.level += 1;
    return true;
  }
}
`,
        rust: `/// The level drains continuously; a request adds one unless it would overflow.
pub struct $name {
    capacity: f64,
    refill_per_second: f64,
    level: f64,
    last: Option<f64>,
}

impl $name {
    pub fn new(capacity: f64, refill_per_second: f64) -> Self {
        Self { capacity, refill_per_second, level: 0.0, last: None }
    }

    pub fn try_acquire(&mut self, now: f64) -> bool {
        if let Some(last) = self.last {
            self.level = (self.level - (now - last) * self.refill_per_second).max(0.0);
        }
        self.last = Some(now);
        if self.level + 1.0 > self.capacity {
            return false;
        }
        self.level += 1.0;
        true
    }
}
`,
        cpp: `#include <algorithm>
#include <optional>

// The level drains continuously; a request adds one unless it would overflow.
class $name {
public:
    $name(double capacity, double refill_per_second) : capacity_(capacity), refill_per_second_(refill_per_second) {}

    bool try_acquire(double now) {
        if (last_) level_ = std::max(0.0, level_ - (now - *last_) * refill_per_second_);
        last_ = now;
        if (level_ + 1.0 > capacity_) return false;
        level_ += 1.0;
        return true;
    }

private:
    double capacity_, refill_per_second_, level_ = 0.0;
    std::optional<double> last_;
};
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
      {
        once: '',
        python: `class $name:
    """A list of handlers per event; emit iterates over a copy so handlers may unsubscribe."""

    def __init__(self):
        self._handlers = {}

    def on(self, event, handler):
        self._handlers.setdefault(event, []).append(handler)

    def off(self, event, handler):
        handlers = self._handlers.get(event, [])
        if handler in handlers:
            handlers.remove(handler)

    def emit(self, event, payload):
        handlers = list(self._handlers.get(event, []))
        for handler in handlers:
            handler(payload)
        return len(handlers)
`,
        typescript: `/** A list of handlers per event; emit iterates over a copy so handlers may unsubscribe. */
class $name<P = unknown> {
  private readonly handlers = new Map<string, ((payload: P) => void)[]>();

  on(event: string, handler: (payload: P) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  off(event: string, handler: (payload: P) => void): void {
    const list = this.handlers.get(event) ?? [];
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  }

  emit(event: string, payload: P): number {
    const list = [...(this.handlers.get(event) ?? [])];
    for (const handler of list) handler(payload);
    return list.length;
  }
}
`,
        rust: `use std::collections::HashMap;
use std::rc::Rc;

/// Handlers are \\\`Rc\\\`s so \\\`off\\\` can find one by pointer; \\\`emit\\\` calls a snapshot so handlers may unsubscribe.
pub struct $name<P> {
    handlers: HashMap<String, Vec<Rc<dyn Fn(&P)>>>,
}

impl<P> $name<P> {
    pub fn new() -> Self {
        Self { handlers: HashMap::new() }
    }

    pub fn on(&mut self, event: &str, handler: Rc<dyn Fn(&P)>) {
        self.handlers.entry(event.to_string()).or_default().push(handler);
    }

    pub fn off(&mut self, event: &str, handler: &Rc<dyn Fn(&P)>) {
        if let Some(list) = self.handlers.get_mut(event) {
            if let Some(index) = list.iter().position(|h| Rc::ptr_eq(h, handler)) {
                list.remove(index);
            }
        }
    }

    pub fn emit(&self, event: &str, payload: &P) -> usize {
        let list = self.handlers.get(event).cloned().unwrap_or_default();
        for handler in &list {
            handler(payload);
        }
        list.len()
    }
}
`,
        cpp: `#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

// Handlers are shared_ptrs so off can find one by pointer; emit calls a snapshot so handlers may unsubscribe.
template <typename Payload>
class $name {
public:
    using Handler = std::shared_ptr<std::function<void(const Payload&)>>;

    void on(const std::string& event, Handler handler) { handlers_[event].push_back(std::move(handler)); }

    void off(const std::string& event, const Handler& handler) {
        auto& list = handlers_[event];
        const auto found = std::find(list.begin(), list.end(), handler);
        if (found != list.end()) list.erase(found);
    }

    std::size_t emit(const std::string& event, const Payload& payload) {
        const std::vector<Handler> list = handlers_[event];
        for (const Handler& handler : list) (*handler)(payload);
        return list.size();
    }

private:
    std::map<std::string, std::vector<Handler>> handlers_;
};
`,
      },
      {
        once: '; a handler that fails does not stop the others, and the failures are returned together after all handlers ran',
        python: `class $name:
    """Every handler runs even if an earlier one fails; emit returns (how many ran, the errors)."""

    def __init__(self):
        self._handlers = {}

    def on(self, event, handler):
        self._handlers.setdefault(event, []).append(handler)

    def off(self, event, handler):
        handlers = self._handlers.get(event, [])
        if handler in handlers:
            handlers.remove(handler)

    def emit(self, event, payload):
        handlers = list(self._handlers.get(event, []))
        errors = []
        for handler in handlers:
            try:
                handler(payload)
            except Exception as error:  # noqa: BLE001 - failures are collected and returned
                errors.append(error)
        return len(handlers), errors
`,
        typescript: `/** Every handler runs even if an earlier one throws; emit returns how many ran and the errors. */
class $name<P = unknown> {
  private readonly handlers = new Map<string, ((payload: P) => void)[]>();

  on(event: string, handler: (payload: P) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  off(event: string, handler: (payload: P) => void): void {
    const list = this.handlers.get(event) ?? [];
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  }

  emit(event: string, payload: P): { ran: number; errors: unknown[] } {
    const list = [...(this.handlers.get(event) ?? [])];
    const errors: unknown[] = [];
    for (const handler of list) {
      try {
        handler(payload);
      } catch (error) {
        errors.push(error);
      }
    }
    return { ran: list.length, errors };
  }
}
`,
        rust: `use std::collections::HashMap;
use std::rc::Rc;

type Handler<P> = Rc<dyn Fn(&P) -> Result<(), String>>;

/// Every handler runs even if an earlier one fails; \\\`emit\\\` returns how many ran and the errors.
pub struct $name<P> {
    handlers: HashMap<String, Vec<Handler<P>>>,
}

impl<P> $name<P> {
    pub fn new() -> Self {
        Self { handlers: HashMap::new() }
    }

    pub fn on(&mut self, event: &str, handler: Handler<P>) {
        self.handlers.entry(event.to_string()).or_default().push(handler);
    }

    pub fn off(&mut self, event: &str, handler: &Handler<P>) {
        if let Some(list) = self.handlers.get_mut(event) {
            if let Some(index) = list.iter().position(|h| Rc::ptr_eq(h, handler)) {
                list.remove(index);
            }
        }
    }

    pub fn emit(&self, event: &str, payload: &P) -> (usize, Vec<String>) {
        let list = self.handlers.get(event).cloned().unwrap_or_default();
        let errors = list.iter().filter_map(|handler| handler(payload).err()).collect();
        (list.len(), errors)
    }
}
`,
        cpp: `#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// Every handler runs even if an earlier one throws; emit returns how many ran and the captured exceptions.
template <typename Payload>
class $name {
public:
    using Handler = std::shared_ptr<std::function<void(const Payload&)>>;

    void on(const std::string& event, Handler handler) { handlers_[event].push_back(std::move(handler)); }

    void off(const std::string& event, const Handler& handler) {
        auto& list = handlers_[event];
        const auto found = std::find(list.begin(), list.end(), handler);
        if (found != list.end()) list.erase(found);
    }

    std::pair<std::size_t, std::vector<std::exception_ptr>> emit(const std::string& event, const Payload& payload) {
        const std::vector<Handler> list = handlers_[event];
        std::vector<std::exception_ptr> errors;
        for (const Handler& handler : list) {
            try {
                (*handler)(payload);
            } catch (...) {
                errors.push_back(std::current_exception());
            }
        }
        return {list.size(), std::move(errors)};
    }

private:
    std::map<std::string, std::vector<Handler>> handlers_;
};
`,
      },
    ],
  },
];
